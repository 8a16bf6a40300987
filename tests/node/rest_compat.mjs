// The Discord-compatible REST endpoint of `pylon serve` (issue 6, item 5) used by a real Discord
// library nobody here wrote: @discordjs/rest, pointed at http://<pylon http>/api instead of
// Discord, exactly as a bot would configure it.
//
//   node rest_compat.mjs <pylon-discord-sim> <pylon> <pylonctl>
//
// Starts the simulator and `pylon serve` on free loopback ports, adds the simulated bot with
// pylonctl, then runs bursts from several independent REST clients of the same bot (as several
// processes of one bot would): ten times a bucket's limit on one route, and more than the global
// limit over many buckets. Checks that no 429 reached any client, that the simulator answered no
// 429 and never saw more than 50 requests of the bot in a second, and that an unknown token is
// answered 401 without reaching the simulator. As a control, the same burst sent straight to the
// simulator does meet 429s (so the test can tell the difference). Stops both processes, also on
// failure. Exits 0 when every check passed.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REST, RESTEvents } from '@discordjs/rest';
import { Children, run } from './children.mjs';

const [simPath, pylonPath, ctlPath] = process.argv.slice(2);
if (!simPath || !pylonPath || !ctlPath) {
  console.error('usage: node rest_compat.mjs <pylon-discord-sim> <pylon> <pylonctl>');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'pylon-rest-compat-'));
const children = new Children();
const failures = [];
function check(condition, what) {
  if (condition) {
    console.log(`ok   ${what}`);
  } else {
    console.log(`FAIL ${what}`);
    failures.push(what);
  }
}
const stopAll = () => children.stopAll();
const start = (...args) => children.start(...args);
process.on('exit', () => {
  stopAll();
  rmSync(work, { recursive: true, force: true });
});
process.on('uncaughtException', (error) => {
  console.error(error);
  stopAll();
  process.exit(1);
});
// The whole test must end well inside the ctest timeout.
setTimeout(() => {
  console.error('FAIL the test took longer than 240 s');
  stopAll();
  process.exit(1);
}, 240_000).unref();

async function admin(base, method, path, body) {
  const response = await fetch(`${base}/_sim${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return response.json();
}

// ---- The simulator and pylon serve ----
const [, simBase] = await start(simPath, [
  '--set', 'world.guilds=4',
  '--set', 'world.members=400',
  '--set', 'world.max_guild_members=200',
  '--set', 'log.level=warn',
  // The simulator's global window is fixed; the bot's real limit (50 in any second) is checked on
  // its own sliding counter below. A higher limit here keeps a jittery CI machine from turning a
  // 51st request in some fixed second into a retry storm.
  '--set', 'rest.global_limit=100',
], /LISTENING (\S+)/, 'pylon-discord-sim');
console.log(`  simulator at ${simBase}`);

const data = join(work, 'data');
const [, grpcAddress, httpAddress] = await start(pylonPath, [
  'serve', '--data-dir', data,
  '--set', 'grpc.listen=127.0.0.1:0',
  '--set', 'http.listen=127.0.0.1:0',
  '--set', `discord.api_base=${simBase}/api/v10`,
  '--set', 'log.level=warn',
], /LISTENING grpc=(\S+) http=(\S+)/, 'pylon serve');
console.log(`  pylon serve: gRPC ${grpcAddress}, HTTP ${httpAddress}`);

const [bot] = await admin(simBase, 'GET', '/bots');
const tokenFile = join(work, 'bot-token');
writeFileSync(tokenFile, bot.token, { mode: 0o600 });
const added = await run(ctlPath, ['--server', grpcAddress, '--admin-token-file',
  join(data, 'admin-token'), 'bot', 'add', '--token-file', tokenFile]);
check(added.code === 0, `pylonctl bot add (${added.out.trim().split('\n').pop()})`);

const proxied = `http://${httpAddress}/api`;
const direct = `${simBase}/api`;

// ---- Unknown tokens never reach the simulator ----
async function simRequests(route) {
  const stats = await admin(simBase, 'GET', '/rest/stats');
  return stats.requests_by_route?.[route] ?? 0;
}
const meBefore = await simRequests('GET /users/@me');
const stranger = await fetch(`${proxied}/v10/users/@me`, { headers: { authorization: 'Bot not-a-token-pylon-knows' } });
check(stranger.status === 401, `an unknown token gets 401 (${stranger.status})`);
const anonymous = await fetch(`${proxied}/v10/users/@me`);
check(anonymous.status === 401, `no token on a bot route gets 401 (${anonymous.status})`);
check(await simRequests('GET /users/@me') === meBefore, 'neither reached the simulator');

// The bot is known once the control plane's snapshot has it.
const probe = new REST({ api: proxied, version: '10' }).setToken(bot.token);
let me = null;
for (let i = 0; i < 100 && !me; i += 1) {
  me = await probe.get('/users/@me').catch(() => null);
  if (!me) await sleep(100);
}
check(me && me.id === bot.id, 'GET /users/@me through pylon returns the bot');

// Adding the bot started its shard, whose GET /gateway/bot does not go through the REST limiter:
// let it happen before the bursts, which count the bot's requests per second.
let identified = false;
for (let i = 0; i < 150 && !identified; i += 1) {
  const identifies = await admin(simBase, 'GET', '/gateway/identifies');
  identified = identifies.some((x) => x.outcome === 'ready');
  if (!identified) await sleep(100);
}
check(identified, 'the bot\'s shard is connected');
await sleep(1200);

const guilds = await probe.get('/users/@me/guilds');
const channels = [];
for (const guild of guilds) {
  for (const c of await probe.get(`/guilds/${guild.id}/channels`)) {
    if (c.type === 0) channels.push(c.id);
  }
}
check(channels.length >= 12, `found text channels (${channels.length})`);

// ---- Bursts from several clients of the same bot ----
// Each REST instance keeps its own limits, as separate processes would: alone, each stays inside
// the limits it has seen; together they exceed them unless something shares the limits.
function clients(api, n) {
  const list = [];
  for (let i = 0; i < n; i += 1) {
    const rest = new REST({ api, version: '10', timeout: 60_000, retries: 1 }).setToken(bot.token);
    rest.statuses = [];
    rest.on(RESTEvents.Response, (request, response) => rest.statuses.push(response.status));
    list.push(rest);
  }
  return list;
}

async function burst(api, messageChannel, readChannels) {
  const rests = clients(api, 4);
  const calls = [];
  // One bucket: 4 clients x 15 messages = 60, twelve times the bucket's 5 per window.
  rests.forEach((rest, k) => {
    for (let i = 0; i < 15; i += 1) {
      calls.push(rest.post(`/channels/${messageChannel}/messages`, { body: { content: `burst ${k}.${i}` } }));
    }
  });
  // Many buckets: 4 clients x 40 reads over the channels' pins, more than the global 50/s.
  rests.forEach((rest, k) => {
    for (let i = 0; i < 40; i += 1) {
      calls.push(rest.get(`/channels/${readChannels[(k * 40 + i) % readChannels.length]}/pins`));
    }
  });
  const started = Date.now();
  const results = await Promise.allSettled(calls);
  const statuses = rests.flatMap((rest) => rest.statuses);
  return {
    ok: results.filter((r) => r.status === 'fulfilled').length,
    errors: results.filter((r) => r.status === 'rejected').map((r) => String(r.reason)).slice(0, 3),
    total: calls.length,
    tooMany: statuses.filter((s) => s === 429).length,
    ms: Date.now() - started,
  };
}

await admin(simBase, 'POST', '/rest/buckets', { bucket: 'create_message', limit: 5, window_ms: 500 });
await admin(simBase, 'POST', '/rest/buckets', { bucket: 'get_pins', limit: 5, window_ms: 1000 });
const statsBefore = await admin(simBase, 'GET', '/rest/stats');
const messagesBefore = statsBefore.requests_by_route?.['POST /channels/{channel_id}/messages'] ?? 0;

const viaPylon = await burst(proxied, channels[0], channels.slice(2));
console.log(`  through pylon: ${JSON.stringify(viaPylon)}`);
check(viaPylon.ok === viaPylon.total, `every request of the burst succeeded (${viaPylon.ok}/${viaPylon.total}) ${viaPylon.errors.join('; ')}`);
check(viaPylon.tooMany === 0, `no 429 reached @discordjs/rest (${viaPylon.tooMany})`);

const stats = await admin(simBase, 'GET', '/rest/stats');
const limited = stats.rate_limited ?? {};
check(Object.keys(limited).length === 0, `the simulator answered no 429 (${JSON.stringify(limited)})`);
const messages = (stats.requests_by_route?.['POST /channels/{channel_id}/messages'] ?? 0) - messagesBefore;
check(messages === 60, `the simulator created the 60 messages (${messages})`);
const perSecond = stats.bots?.[bot.id]?.max_per_second ?? 0;
check(perSecond <= 50, `the bot never exceeded 50 requests in a second (max ${perSecond})`);
check(perSecond >= 35, `the burst ran near the global limit (max ${perSecond})`);

// ---- Control: the same burst straight to the simulator ----
const straight = await burst(direct, channels[1], channels.slice(2));
console.log(`  straight to the simulator: ${JSON.stringify(straight)}`);
check(straight.tooMany > 0, `without pylon the same burst meets 429s (${straight.tooMany})`);

stopAll();
await children.waitAll();
if (failures.length > 0) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all checks passed');
process.exit(0);
