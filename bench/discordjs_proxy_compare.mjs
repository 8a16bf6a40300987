// Our REST proxy beside @discordjs/proxy (npm), both in front of the same simulator with the same
// load (issue 6's second benchmark). Three targets get identical raw Discord requests over HTTP/1.1
// keep-alive from one load generator (this process):
//
//   direct   the simulator itself (the baseline every latency is compared with)
//   pylon    `pylon serve`'s Discord-compatible endpoint (/api/v10 on its HTTP port)
//   djs      @discordjs/proxy's proxyRequests over @discordjs/rest, in a Node process of its own
//
// Phases, each run against every target in turn:
//   1. open loop: GET /channels/{c}/messages/{m} at --rate requests/s for --seconds, spread over
//      every text channel (one bucket each); the simulator's limits are raised so nothing has to
//      wait: latency p50/p99 and what the proxy adds to the direct figure, CPU per request of the
//      proxy's process.
//   2. flat out: --concurrency requests in flight for --seconds: requests per second.
//   3. flood: 60 concurrent GET /channels/{c}/pins on one channel whose bucket allows 5 per
//      second: the 429s that reach the simulator (Discord) and the client.
//
//   bench/compare-discordjs-proxy [--rate 2000] [--seconds 5] [--concurrency 64]
//
// Both proxies get the same raised global limit for the bot (100,000/s) so the open loop measures
// the proxies, not the limit. Prints a table and one JSON line; exits non-zero on a failed setup.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Children, run } from '../tests/node/children.mjs';

const require = createRequire(new URL('../tests/node/package.json', import.meta.url));

// ---- Role 2: the @discordjs/proxy process ----
if (process.argv[2] === '--serve-djs-proxy') {
  const { REST } = require('@discordjs/rest');
  const { proxyRequests } = require('@discordjs/proxy');
  const api = process.argv[3];
  const rest = new REST({ api, version: '10', globalRequestsPerSecond: 100_000, timeout: 30_000 });
  const server = http.createServer(proxyRequests(rest));
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
  process.on('SIGTERM', () => process.exit(0));
} else {
  await main();
}

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main() {
  const [simPath, pylonPath, ctlPath] = process.argv.slice(2);
  if (!simPath || !pylonPath || !ctlPath) {
    console.error('usage: node discordjs_proxy_compare.mjs <pylon-discord-sim> <pylon> <pylonctl> [--rate N] [--seconds S] [--concurrency C]');
    process.exit(2);
  }
  const rate = option('--rate', 2000);
  const seconds = option('--seconds', 5);
  const concurrency = option('--concurrency', 64);

  const work = mkdtempSync(join(tmpdir(), 'pylon-djs-proxy-'));
  const children = new Children();
  const stopAll = () => children.stopAll();
  process.on('exit', () => {
    stopAll();
    rmSync(work, { recursive: true, force: true });
  });
  process.on('uncaughtException', (error) => {
    console.error(error);
    stopAll();
    process.exit(1);
  });
  const start = async (path, args, pattern, name) => {
    const match = await children.start(path, args, pattern, name);
    return [match.child, match];
  };

  // ---- Setup ----
  const [, [, simBase]] = await start(simPath, [
    '--set', 'world.guilds=20',
    '--set', 'world.members=2000',
    '--set', 'world.max_guild_members=200',
    '--set', 'world.messages_per_channel=3',
    '--set', 'rest.global_limit=1000000',
    '--set', 'log.level=warn',
  ], /LISTENING (\S+)/, 'pylon-discord-sim');
  const admin = async (method, path, body) => {
    const response = await fetch(`${simBase}/_sim${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    return response.json();
  };
  await admin('POST', '/rest/buckets', { bucket: 'get_messages', limit: 1_000_000, window_ms: 1000 });

  const data = join(work, 'data');
  const [pylon, [, grpcAddress, httpAddress]] = await start(pylonPath, [
    'serve', '--data-dir', data,
    '--set', 'grpc.listen=127.0.0.1:0',
    '--set', 'http.listen=127.0.0.1:0',
    '--set', `discord.api_base=${simBase}/api/v10`,
    '--set', 'log.level=warn',
  ], /LISTENING grpc=(\S+) http=(\S+)/, 'pylon serve');
  const [bot] = await admin('GET', '/bots');
  const tokenFile = join(work, 'bot-token');
  writeFileSync(tokenFile, bot.token, { mode: 0o600 });
  const added = await run(ctlPath, ['--server', grpcAddress, '--admin-token-file',
    join(data, 'admin-token'), 'bot', 'add', '--token-file', tokenFile, '--rest-limit', '100000']);
  if (added.code !== 0) throw new Error(`pylonctl bot add failed: ${added.out}`);

  const [djs, [, djsPort]] = await start(process.execPath,
    [new URL(import.meta.url).pathname, '--serve-djs-proxy', `${simBase}/api`],
    /LISTENING (\d+)/, '@discordjs/proxy');

  const targets = [
    { name: 'direct', base: `${simBase}/api/v10`, pid: null },
    { name: 'pylon', base: `http://${httpAddress}/api/v10`, pid: pylon.pid },
    { name: 'djs', base: `http://127.0.0.1:${djsPort}/api/v10`, pid: djs.pid },
  ];
  const auth = `Bot ${bot.token}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  function request(base, path) {
    return new Promise((resolve) => {
      const url = new URL(base + path);
      const started = process.hrtime.bigint();
      const req = http.request({
        host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'GET',
        agent, headers: { authorization: auth },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve({
          status: res.statusCode, us: Number(process.hrtime.bigint() - started) / 1000,
        }));
      });
      req.on('error', (error) => resolve({ status: 0, us: 0, error: String(error) }));
      req.end();
    });
  }

  // The bot is known to pylon once the control plane's snapshot has it.
  let known = false;
  for (let i = 0; i < 100 && !known; i += 1) {
    known = (await request(targets[1].base, '/users/@me')).status === 200;
    if (!known) await sleep(100);
  }
  if (!known) throw new Error('pylon never accepted the bot token');

  // Every text channel with a message: one bucket each (found through the simulator's REST API).
  const discord = async (path) => (await fetch(`${simBase}/api/v10${path}`, { headers: { authorization: auth } })).json();
  const targetsMessages = [];
  for (const guild of await discord('/users/@me/guilds')) {
    for (const c of await discord(`/guilds/${guild.id}/channels`)) {
      if (c.type === 0 && c.last_message_id) targetsMessages.push(`/channels/${c.id}/messages/${c.last_message_id}`);
    }
  }
  if (targetsMessages.length < 10) throw new Error(`found only ${targetsMessages.length} channels with messages`);

  const cpuMs = (pid) => {
    if (!pid) return 0;
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 1000 / 100;  // utime + stime, USER_HZ 100
  };
  const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

  async function openLoop(target) {
    const total = Math.round(rate * seconds);
    const results = [];
    const cpuBefore = cpuMs(target.pid);
    const began = Date.now();
    let sent = 0;
    const pending = [];
    while (sent < total) {
      const due = Math.min(total, Math.floor(((Date.now() - began) / 1000) * rate) + 1);
      while (sent < due) {
        pending.push(request(target.base, targetsMessages[sent % targetsMessages.length]).then((r) => results.push(r)));
        sent += 1;
      }
      await sleep(2);
    }
    await Promise.all(pending);
    const wall = (Date.now() - began) / 1000;
    const cpu = cpuMs(target.pid) - cpuBefore;
    const ok = results.filter((r) => r.status === 200).map((r) => r.us).sort((a, b) => a - b);
    return {
      ok: ok.length, total, throughput: ok.length / wall,
      p50: percentile(ok, 0.5), p99: percentile(ok, 0.99),
      tooMany: results.filter((r) => r.status === 429).length,
      errors: results.filter((r) => r.status !== 200 && r.status !== 429).length,
      cpuUsPerRequest: (cpu * 1000) / total,
    };
  }

  async function flatOut(target) {
    let done = 0;
    let failed = 0;
    const cpuBefore = cpuMs(target.pid);
    const began = Date.now();
    const end = began + seconds * 1000;
    async function worker(k) {
      for (let i = k; Date.now() < end; i += concurrency) {
        const r = await request(target.base, targetsMessages[i % targetsMessages.length]);
        if (r.status === 200) done += 1; else failed += 1;
      }
    }
    await Promise.all(Array.from({ length: concurrency }, (_, k) => worker(k)));
    const wall = (Date.now() - began) / 1000;
    return { perSecond: done / wall, failed, cpuUsPerRequest: ((cpuMs(target.pid) - cpuBefore) * 1000) / Math.max(1, done) };
  }

  async function flood(target, channel) {
    const before = await admin('GET', '/rest/stats');
    const path = `/channels/${channel}/pins`;
    const began = Date.now();
    const results = await Promise.all(Array.from({ length: 60 }, () => request(target.base, path)));
    const after = await admin('GET', '/rest/stats');
    const count = (stats) => Object.values(stats.rate_limited ?? {})
      .reduce((sum, scopes) => sum + Object.values(scopes).reduce((a, b) => a + b, 0), 0);
    return {
      ok: results.filter((r) => r.status === 200).length,
      simulator429: count(after) - count(before),
      client429: results.filter((r) => r.status === 429).length,
      other: results.filter((r) => r.status !== 200 && r.status !== 429).map((r) => r.status),
      ms: Date.now() - began,
    };
  }

  // Warm-up: connections, the proxies' learned buckets.
  for (const target of targets) {
    await Promise.all(targetsMessages.map((path) => request(target.base, path)));
  }

  const report = {};
  for (const target of targets) report[target.name] = { open: await openLoop(target) };
  for (const target of targets) report[target.name].flat = await flatOut(target);
  await admin('POST', '/rest/buckets', { bucket: 'get_pins', limit: 5, window_ms: 1000 });
  const floodChannels = targetsMessages.map((p) => p.split('/')[2]);
  for (const [i, target] of targets.entries()) report[target.name].flood = await flood(target, floodChannels[i]);

  const f = (n) => (n === undefined ? '-' : n >= 100 ? n.toFixed(0) : n.toFixed(2));
  const direct = report.direct.open;
  console.log(`open loop ${rate}/s for ${seconds} s over ${targetsMessages.length} buckets; flat out ${concurrency} in flight; flood 60 on a 5/s bucket`);
  console.log('target | ok/total | p50 µs | p99 µs | added p50 | added p99 | 429s | CPU µs/req | flat-out req/s | flood: sim 429s | client 429s | ms');
  for (const target of targets) {
    const r = report[target.name];
    const o = r.open;
    console.log([target.name, `${o.ok}/${o.total}`, f(o.p50), f(o.p99),
      target.name === 'direct' ? '-' : f(o.p50 - direct.p50), target.name === 'direct' ? '-' : f(o.p99 - direct.p99),
      o.tooMany, target.pid ? f(o.cpuUsPerRequest) : '-', f(r.flat.perSecond),
      r.flood.simulator429, r.flood.client429, r.flood.ms].join(' | '));
  }
  const ratio = (a, b) => (b > 0 ? a / b : 0);
  console.log(`pylon vs djs: flat-out throughput ${f(ratio(report.pylon.flat.perSecond, report.djs.flat.perSecond))}x, ` +
    `added p50 ${f(report.pylon.open.p50 - direct.p50)} vs ${f(report.djs.open.p50 - direct.p50)} µs, ` +
    `added p99 ${f(report.pylon.open.p99 - direct.p99)} vs ${f(report.djs.open.p99 - direct.p99)} µs, ` +
    `CPU per request ${f(ratio(report.pylon.open.cpuUsPerRequest, report.djs.open.cpuUsPerRequest))}x`);
  console.log(JSON.stringify(report));
  stopAll();
  agent.destroy();
  await children.waitAll();
  process.exit(0);
}
