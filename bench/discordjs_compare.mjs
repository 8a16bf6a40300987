// Side by side: discord.js 14 (from npm, tests/node) and our gateway engine (bench/engine_consumer)
// consuming the same simulator stream, in one script. For each consumer in turn the script starts
// a fresh pylon-discord-sim with the same world and event seeds, lets the consumer connect
// (one shard, no transport compression: discord.js 14 compresses only with the optional native
// zlib-sync module, which is not installed), fetch every guild's members, then sends the same
// number of generator steps flat out (POST /_sim/events {count}) and measures:
//   - memory per cached member: heap growth from before the login to "all members cached",
//     divided by the members cached (Node: process.memoryUsage().heapUsed + external after two
//     forced GCs; ours: the allocator's allocated bytes, base/heap_usage.h). Both include the guilds, channels,
//     roles and users that come with them, and no presences (GUILD_PRESENCES is off for both).
//   - events per CPU-second: dispatches received (the session's sequence numbers) over the
//     consumer process's CPU time (user + system, every thread) from the first event to the last.
//
//   bench/compare-discordjs [--events N] [--guilds G] [--members M] [--rounds R]
//   (or: node --expose-gc bench/discordjs_compare.mjs <pylon-discord-sim> <engine_consumer> ...)

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';

const require = createRequire(new URL('../tests/node/package.json', import.meta.url));
const { Client } = require('discord.js');
const { version: discordjsVersion } = require('discord.js');

const [simPath, enginePath, ...rest] = process.argv.slice(2);
if (!simPath || !enginePath) {
  console.error('usage: node --expose-gc discordjs_compare.mjs <pylon-discord-sim> <engine_consumer>'
    + ' [--events N] [--guilds G] [--members M] [--rounds R]');
  process.exit(2);
}
const opts = { events: 100000, guilds: 100, members: 100000, rounds: 1 };
for (let i = 0; i + 1 < rest.length; i += 2) opts[rest[i].replace(/^--/, '')] = Number(rest[i + 1]);
if (typeof global.gc !== 'function') {
  console.error('run node with --expose-gc');
  process.exit(2);
}

// GUILDS, GUILD_MEMBERS and every other intent of bits 0-16 but GUILD_PRESENCES (bit 8);
// MESSAGE_CONTENT (bit 15) included.
const INTENTS = ((1 << 17) - 1) & ~(1 << 8);

let sim = null;
const children = new Set();
process.on('exit', () => { for (const child of children) child.kill('SIGKILL'); });

async function startSim() {
  const child = spawn(simPath, [
    '--set', `world.guilds=${opts.guilds}`,
    '--set', `world.members=${opts.members}`,
    '--set', 'world.seed=1',
    '--set', 'events.seed=1',
    '--set', 'gateway.identify_interval=500ms',
    '--set', 'log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  let output = '';
  child.stdout.setEncoding('utf8');
  for await (const chunk of child.stdout) {
    output += chunk;
    const match = output.match(/LISTENING (\S+)/);
    if (match) {
      child.stdout.resume();
      return { child, base: match[1] };
    }
  }
  throw new Error('the simulator exited before listening');
}

async function stopSim() {
  if (!sim) return;
  const { child } = sim;
  sim = null;
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  children.delete(child);
}

async function admin(method, path, body) {
  const response = await fetch(`${sim.base}/_sim${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return response.json();
}

// Runs `count` generator steps flat out; resolves with the bot session's sequence afterwards.
async function pumpAndGetSeq(count) {
  const before = (await admin('GET', '/events')).generated;
  await admin('POST', '/events', { count });
  for (;;) {
    const state = await admin('GET', '/events');
    if (state.generated >= before + count && !state.running) break;
    await sleep(10);
  }
  const sessions = await admin('GET', '/gateway/sessions');
  const live = sessions.filter((s) => s.connected);
  if (live.length !== 1) throw new Error(`expected one connected session, got ${live.length}`);
  return live[0].seq;
}

function heapNow() {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external, rss: m.rss };
}

async function runDiscordjs(bot) {
  const before = heapNow();
  let lastSeq = 0;
  let dispatches = 0;
  const client = new Client({
    intents: INTENTS,
    rest: { api: `${sim.base}/api`, version: '10' },
  });
  client.on('raw', (packet) => {
    if (packet.op === 0) {
      dispatches += 1;
      lastSeq = packet.s;
    }
  });
  const ready = new Promise((resolve) => client.once('clientReady', resolve));
  await client.login(bot.token);
  await ready;
  let members = 0;
  for (const guild of client.guilds.cache.values()) {
    await guild.members.fetch({ time: 300000 });
    members += guild.members.cache.size;
  }
  const cached = heapNow();
  const users = client.users.cache.size;

  const seq0 = lastSeq;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const target = await pumpAndGetSeq(opts.events);
  while (lastSeq < target) await sleep(5);
  const cpu = process.cpuUsage(cpu0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  await client.destroy();
  return {
    members,
    users,
    heapBytes: cached.heap - before.heap,
    rssBytes: cached.rss - before.rss,
    events: target - seq0,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallSeconds: wall,
    dispatches,
  };
}

function parseFields(line) {
  const out = {};
  for (const [, key, value] of line.matchAll(/(\w+)=(\S+)/g)) out[key] = Number(value);
  return out;
}

async function runEngine(bot, members) {
  const child = spawn(enginePath, [
    '--api-base', `${sim.base}/api/v10`,
    '--bot-id', String(bot.id),
    '--intents', String(INTENTS),
    '--members', String(members),
    '--compression', 'none',
  ], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, PYLON_BENCH_BOT_TOKEN: bot.token } });
  children.add(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (prefix) => {
    const { value, done } = await lines.next();
    if (done || !value.startsWith(prefix)) throw new Error(`engine_consumer: expected ${prefix}, got ${value}`);
    return parseFields(value);
  };
  const cached = await next('CACHED');
  child.stdin.write('go\n');
  const go = await next('GO');
  const target = await pumpAndGetSeq(opts.events);
  child.stdin.write(`expect ${target}\n`);
  const done = await next('DONE');
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
  children.delete(child);
  return {
    members: cached.members,
    users: cached.users,
    heapBytes: cached.heap_bytes,
    rssBytes: cached.rss_bytes,
    accountedBytes: cached.member_bytes + cached.user_bytes,
    events: target - go.seq,
    cpuSeconds: done.cpu_s,
    wallSeconds: done.wall_s,
  };
}

const fmt = (x, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

console.log(`discordjs_compare: discord.js ${discordjsVersion}, node ${process.version}, nproc ${os.cpus().length}, `
  + `load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; world ${opts.guilds} guilds / ${opts.members} members, `
  + `${opts.events} generator steps (default mix), intents ${INTENTS}, no compression`);
const results = [];
for (let round = 0; round < opts.rounds; round++) {
  sim = await startSim();
  const [bot] = await admin('GET', '/bots');
  const js = await runDiscordjs(bot);
  await stopSim();
  console.log(`  (discord.js done: ${JSON.stringify(js)})`);

  sim = await startSim();
  const [bot2] = await admin('GET', '/bots');
  const ours = await runEngine(bot2, js.members);
  await stopSim();

  const jsRate = js.events / js.cpuSeconds;
  const ourRate = ours.events / ours.cpuSeconds;
  const jsPerMember = js.heapBytes / js.members;
  const ourPerMember = ours.heapBytes / ours.members;
  console.log(`round ${round + 1}:`);
  console.log(`  discord.js  members=${js.members} users=${js.users} heap/member=${fmt(jsPerMember)} B `
    + `rss/member=${fmt(js.rssBytes / js.members)} B  events=${js.events} cpu=${fmt(js.cpuSeconds, 3)} s `
    + `wall=${fmt(js.wallSeconds, 3)} s -> ${fmt(jsRate)} ev/CPU-s`);
  console.log(`  pylon       members=${ours.members} users=${ours.users} heap/member=${fmt(ourPerMember)} B `
    + `rss/member=${fmt(ours.rssBytes / ours.members)} B (cache-accounted members+users ${fmt(ours.accountedBytes / ours.members)} B) `
    + `events=${ours.events} cpu=${fmt(ours.cpuSeconds, 3)} s wall=${fmt(ours.wallSeconds, 3)} s -> ${fmt(ourRate)} ev/CPU-s`);
  console.log(`  RATIO throughput pylon/discord.js = ${fmt(ourRate / jsRate, 2)}x (target >= 10x); `
    + `memory per member pylon/discord.js = ${fmt(ourPerMember / jsPerMember, 3)} (= 1/${fmt(jsPerMember / ourPerMember, 1)}; target <= 1/8)`);
  results.push({ round: round + 1, js, ours, throughputRatio: ourRate / jsRate, memoryRatio: ourPerMember / jsPerMember });
}
console.log(`JSON ${JSON.stringify(results)}`);
process.exit(0);
