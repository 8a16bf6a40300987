// Conformance of pylon-discord-sim with real Discord client libraries nobody here wrote:
// @discordjs/ws and @discordjs/rest, used exactly as a bot would use them against Discord.
//
//   node sim_conformance.mjs <path to pylon-discord-sim>
//
// Starts the simulator on a free loopback port, runs the checks, stops it (also on failure).
// Exits 0 when every check passed; prints each failure otherwise.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { REST, RESTEvents } from '@discordjs/rest';
import { WebSocketManager, WebSocketShardEvents, CompressionMethod } from '@discordjs/ws';

const simPath = process.argv[2];
if (!simPath) {
  console.error('usage: node sim_conformance.mjs <pylon-discord-sim>');
  process.exit(2);
}

let sim;
const failures = [];
function check(condition, what) {
  if (condition) {
    console.log(`ok   ${what}`);
  } else {
    console.log(`FAIL ${what}`);
    failures.push(what);
  }
}
function stopSim() {
  if (sim && sim.exitCode === null) sim.kill('SIGTERM');
}
process.on('exit', stopSim);
process.on('uncaughtException', (error) => {
  console.error(error);
  stopSim();
  process.exit(1);
});

async function startSim() {
  sim = spawn(simPath, [
    '--set', 'world.guilds=8',
    '--set', 'world.members=600',
    '--set', 'world.max_guild_members=200',
    '--set', 'gateway.heartbeat_interval=1000ms',
    '--set', 'gateway.reconnect_close_delay=300ms',
    '--set', 'gateway.identify_interval=1000ms',
    '--set', 'log.level=warn',
    '--set', 'rest.shared_scope_routes=GET /channels/{channel_id}/messages 1 1s',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  sim.stdout.setEncoding('utf8');
  for await (const chunk of sim.stdout) {
    output += chunk;
    const match = output.match(/LISTENING (\S+)/);
    if (match) return match[1];
  }
  throw new Error('the simulator exited before listening');
}

async function admin(base, method, path, body) {
  const response = await fetch(`${base}/_sim${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return response.json();
}

async function waitFor(predicate, what, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await sleep(20);
  }
  check(false, `timed out waiting for ${what}`);
  return false;
}

const base = await startSim();
const [bot] = await admin(base, 'GET', '/bots');
const rest = new REST({ api: `${base}/api`, version: '10' }).setToken(bot.token);

// ---- Gateway: @discordjs/ws with zlib-stream ----
const dispatches = [];  // { t, s, session }
let readies = [];
let resumes = 0;
let heartbeats = 0;
const manager = new WebSocketManager({
  token: bot.token,
  intents: (1 << 0) | (1 << 1) | (1 << 9) | (1 << 15),  // guilds, members, messages, content
  rest,
  compression: CompressionMethod.ZlibNative,
  shardCount: 1,
});
manager.on(WebSocketShardEvents.Dispatch, (payload) => {
  dispatches.push({ t: payload.t, s: payload.s, session: readies.length, d: payload.d });
});
manager.on(WebSocketShardEvents.Ready, (data) => readies.push(data));
manager.on(WebSocketShardEvents.Resumed, () => { resumes += 1; });
manager.on(WebSocketShardEvents.HeartbeatComplete, () => { heartbeats += 1; });

await manager.connect();
await waitFor(() => readies.length === 1, 'READY');
const guildCount = readies[0].guilds.length;
await waitFor(() => dispatches.filter((d) => d.t === 'GUILD_CREATE').length === guildCount,
  'one GUILD_CREATE per guild');
check(guildCount === 8, `READY lists the bot's 8 guilds (got ${guildCount})`);
const readyDispatch = dispatches.find((d) => d.t === 'READY');
check(readyDispatch && readyDispatch.s === 1, 'READY has s=1');
await waitFor(() => heartbeats >= 2, 'two heartbeat round trips');

// Events flow; then Discord asks for a reconnect (op 7): the client resumes and the replayed
// events leave no gap and no repeat in `s`.
await admin(base, 'POST', '/events', { rate: 300 });
await sleep(500);
const faultResult = await admin(base, 'POST', '/gateway/faults', { kind: 'reconnect' });
check(faultResult.connections === 1, 'op 7 injected into the one connection');
await waitFor(() => resumes === 1, 'RESUMED after op 7');
await sleep(500);
await admin(base, 'POST', '/events', { rate: 0 });
await sleep(200);
const firstSession = dispatches.filter((d) => d.session === 1);
const seqs = firstSession.map((d) => d.s);
let contiguous = true;
for (let i = 1; i < seqs.length; i += 1) {
  if (seqs[i] !== seqs[i - 1] + 1) {
    contiguous = false;
    console.log(`  gap or repeat: ${seqs[i - 1]} then ${seqs[i]} (${firstSession[i].t})`);
    break;
  }
}
check(seqs.length > 100, `events received around the reconnect (${seqs.length})`);
check(contiguous, 'no gap and no repeat in s across the op 7 resume');
const resumeLog = await admin(base, 'GET', '/gateway/resumes');
check(resumeLog.length === 1 && resumeLog[0].outcome === 'resumed' && resumeLog[0].via_resume_url,
  'the simulator saw one successful resume on resume_gateway_url');

// Invalid session (op 9, not resumable): the client identifies again and gets a new session.
await admin(base, 'POST', '/gateway/faults', { kind: 'invalid_session', resumable: false });
await waitFor(() => readies.length === 2, 'a new READY after op 9 false', 30000);
check(readies.length === 2 && readies[1].session_id !== readies[0].session_id,
  'op 9 false led to a new session');
const identifies = await admin(base, 'GET', '/gateway/identifies');
check(identifies.filter((i) => i.outcome === 'ready').length === 2, 'two successful identifies');
await manager.destroy();

// ---- REST: @discordjs/rest reads the rate-limit headers and never trips a 429 ----
const statuses = [];
const scopes = [];
rest.on(RESTEvents.Response, (request, response) => {
  statuses.push(response.status);
  if (response.status === 429) scopes.push(`${request.route} ${response.headers.get('x-ratelimit-scope')}`);
});
const me = await rest.get('/users/@me');
check(me.id === bot.id, 'GET /users/@me returns the bot');
const guild = readies[1].guilds[0].id;
const channels = await rest.get(`/guilds/${guild}/channels`).catch(() => null);
const textChannel = (channels || []).find((c) => c.type === 0)
  || dispatches.find((d) => d.t === 'GUILD_CREATE' && d.d.id === guild).d.channels.find((c) => c.type === 0);
check(textChannel, 'found a text channel');
const created = await rest.post(`/channels/${textChannel.id}/messages`, { body: { content: 'hello from @discordjs/rest' } });
check(created.content === 'hello from @discordjs/rest', 'POST message returns the message');

// A flood: ten times the bucket's limit, all at once, on one route.
await admin(base, 'POST', '/rest/buckets', { method: 'POST', route: '/channels/{channel_id}/messages', limit: 5, window_ms: 500 });
const before = statuses.length;
const flood = [];
for (let i = 0; i < 50; i += 1) {
  flood.push(rest.post(`/channels/${textChannel.id}/messages`, { body: { content: `flood ${i}` } }));
}
const results = await Promise.allSettled(flood);
const floodStatuses = statuses.slice(before);
check(results.every((r) => r.status === 'fulfilled'), 'every flooded request succeeded');
check(!floodStatuses.includes(429), `no 429 reached @discordjs/rest (${floodStatuses.filter((s) => s === 429).length})`);

// A shared-scope route (the resource is limited, not the bot): the 429s that do happen there
// carry scope "shared", and @discordjs/rest waits and retries.
const reads = [];
for (let i = 0; i < 6; i += 1) reads.push(rest.get(`/channels/${textChannel.id}/messages?limit=5`));
const readResults = await Promise.allSettled(reads);
check(readResults.every((r) => r.status === 'fulfilled'), 'every read on the shared-scope route succeeded');
check(scopes.length > 0 && scopes.every((s) => s.endsWith(' shared')),
  `429s only on the shared-scope route, with scope shared (${JSON.stringify(scopes)})`);
const stats = await admin(base, 'GET', '/rest/stats');
console.log(`  simulator REST stats: ${JSON.stringify(stats.responses_by_status ?? {})}`);

stopSim();
await once(sim, 'exit');
if (failures.length > 0) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all checks passed');
process.exit(0);
