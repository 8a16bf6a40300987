// A cross-language worker against the real binaries: pylon-discord-sim as Discord, `pylon serve`,
// pylonctl to add the bot, a worker group and its token, and worker_client.mjs (Node.js,
// @grpc/grpc-js + @grpc/proto-loader on our protos, behaving like the published TypeScript
// client) as the worker. Checks that the worker:
//   1. identifies and receives every event the shards logged, with sequences 1, 2, 3, ...;
//   2. acknowledges through heartbeat acks (the server counts everything acknowledged);
//   3. loses its connection, reconnects within the grace period with last_sequence and gets
//      exactly the events it had missed (no gap, no duplicate sequence);
//   4. drains on SIGTERM: stream_closed{DRAIN_COMPLETE}, then the call ends OK, exit code 0.
//
//   node worker_conformance.mjs <pylon-discord-sim> <pylon> <pylonctl>
//
// Everything listens on loopback ports the programs pick; every process is stopped at exit, also
// on failure. Exits 0 when every check passed.

import { spawn, fork, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const [simPath, pylonPath, ctlPath] = process.argv.slice(2);
if (!simPath || !pylonPath || !ctlPath) {
  console.error('usage: node worker_conformance.mjs <pylon-discord-sim> <pylon> <pylonctl>');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'pylon-worker-conformance-'));
const children = [];
const failures = [];

function check(condition, what) {
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${what}`);
  if (!condition) failures.push(what);
  return condition;
}

function cleanup() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  if (failures.length === 0 && !process.env.PYLON_KEEP_TEMP) {
    rmSync(work, { recursive: true, force: true });
  } else {
    console.log(`logs kept in ${work}`);
  }
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(1));
process.on('uncaughtException', (error) => {
  console.error(error);
  failures.push(String(error));
  process.exit(1);
});

// Starts a program with stdout piped (and kept in a file) and waits for its LISTENING line.
async function startListening(name, path, args) {
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    err += chunk;
    writeFileSync(join(work, `${name}.log`), err);
  });
  child.stdout.setEncoding('utf8');
  const deadline = Date.now() + 30000;
  for await (const chunk of child.stdout) {
    out += chunk;
    const line = out.split('\n').find((l) => l.startsWith('LISTENING'));
    if (line) {
      child.stdout.resume();
      return line;
    }
    if (Date.now() > deadline) break;
  }
  throw new Error(`${name} did not start:\n${err}`);
}

async function waitFor(predicate, what, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return true;
    await sleep(50);
  }
  check(false, `timed out waiting for ${what}`);
  return false;
}

async function metrics(http) {
  const text = await (await fetch(`http://${http}/metrics`)).text();
  const samples = [];
  for (const line of text.split('\n')) {
    const match = line.match(/^(\w+)(?:\{([^}]*)\})?\s+(\S+)$/);
    if (!match) continue;
    const labels = {};
    for (const pair of (match[2] || '').matchAll(/(\w+)="([^"]*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}
const sum = (samples, name, filter = () => true) =>
  samples.filter((s) => s.name === name && filter(s.labels)).reduce((a, s) => a + s.value, 0);

async function simAdmin(base, method, path, body) {
  const response = await fetch(`${base}/_sim${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return response.json();
}

// ---- Start everything ----
const simLine = await startListening('sim', simPath, [
  '--tokens-file', join(work, 'bots'),
  '--set', 'world.guilds=12',
  '--set', 'world.members=1200',
  '--set', 'world.max_guild_members=300',
  '--set', 'gateway.heartbeat_interval=1000ms',
  '--set', 'gateway.identify_interval=500ms',
  '--set', 'log.level=warn',
]);
const simUrl = simLine.split(' ')[1];
const serveLine = await startListening('pylon', pylonPath, [
  'serve', '--data-dir', join(work, 'data'),
  '--set', 'grpc.listen=127.0.0.1:0',
  '--set', 'http.listen=127.0.0.1:0',
  '--set', `discord.api_base=${simUrl}/api/v10`,
  '--set', 'dispatch.heartbeat_interval=250ms',
  '--set', 'dispatch.heartbeat_timeout=3s',
  '--set', 'dispatch.reconnect_grace=5s',
  '--set', 'shutdown.grace=2s',
  '--set', 'log.level=warn',
]);
const grpcAddress = serveLine.match(/grpc=(\S+)/)[1];
const httpAddress = serveLine.match(/http=(\S+)/)[1];
console.log(`simulator ${simUrl}, pylon gRPC ${grpcAddress}, HTTP ${httpAddress}`);

const ctl = (...args) =>
  execFileSync(ctlPath, ['--server', grpcAddress, '--admin-token-file',
                         join(work, 'data', 'admin-token'), ...args],
               { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const [, botToken] = readFileSync(join(work, 'bots'), 'utf8').trim().split(/\s+/);
writeFileSync(join(work, 'bot-token'), botToken);
ctl('bot', 'add', '--token-file', join(work, 'bot-token'));
ctl('group', 'create', 'conformance');
ctl('token', 'issue', 'conformance', '--secret-file', join(work, 'worker-token'));
check(true, 'pylonctl added the bot, the group and a token');

await waitFor(async () => {
  const m = await metrics(httpAddress);
  const shards = m.filter((s) => s.name === 'pylon_shard_ready');
  return shards.length > 0 && shards.every((s) => s.value === 1);
}, 'the bot\'s shards to be ready');

// ---- The worker ----
const worker = fork(join(here, 'worker_client.mjs'), [
  '--server', grpcAddress,
  '--group', 'conformance',
  '--token-file', join(work, 'worker-token'),
  '--consumer-id', 'node-worker-1',
  '--reconnect-ms', '1000',
], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
children.push(worker);
const progress = { count: 0, last: '0', connected: false, identified: 0 };
let summary = null;
worker.on('message', (message) => {
  if (message.type === 'progress') Object.assign(progress, message);
  if (message.type === 'identified') progress.identified++;
  if (message.type === 'summary') summary = message;
});
const workerExit = new Promise((resolve) => worker.on('exit', (code) => resolve(code)));

check(await waitFor(() => progress.identified === 1, 'identify_response', 10000),
      'the worker identified (identify_response)');

// Quiet: nothing new logged or delivered for a second.
async function quiet() {
  let previous = null;
  let stableSince = Date.now();
  return waitFor(async () => {
    const m = await metrics(httpAddress);
    const now = JSON.stringify([sum(m, 'pylon_shard_events_total'), progress.count]);
    if (now !== previous) {
      previous = now;
      stableSince = Date.now();
    }
    return Date.now() - stableSince > 1000;
  }, 'a quiet moment', 30000);
}
const logged = async () => sum(await metrics(httpAddress), 'pylon_shard_events_total');
const groupCounter = async (outcome) =>
  sum(await metrics(httpAddress), 'pylon_worker_group_events_total',
      (l) => l.group === 'conformance' && l.outcome === outcome);

await quiet();
const baseLogged = await logged();
const baseCount = progress.count;
const dispatchesSent = async () => (await simAdmin(simUrl, 'GET', '/events')).dispatches_sent;
const unmodelled = async () => sum(await metrics(httpAddress), 'pylon_shard_unmodelled_events_total');
const baseSent = await dispatchesSent();
const baseUnmodelled = await unmodelled();

// 1. Every event, in sequence.
await simAdmin(simUrl, 'POST', '/events', { count: 3000 });
await waitFor(async () => !(await simAdmin(simUrl, 'GET', '/events')).running, 'the pump', 60000);
await quiet();
const phase1 = (await logged()) - baseLogged;
const sent1 = (await dispatchesSent()) - baseSent;
const unmodelled1 = (await unmodelled()) - baseUnmodelled;
check(phase1 > 2000 && phase1 === sent1 - unmodelled1,
      `the shards logged every dispatch the simulator sent (${phase1} = ${sent1} sent - ` +
      `${unmodelled1} without a Pylon event)`);
check(progress.count - baseCount === phase1,
      `the worker received every logged event (${progress.count - baseCount} of ${phase1})`);

// 2. Acks: the server saw everything acknowledged.
check(await waitFor(async () => (await groupCounter('acked')) === (await groupCounter('delivered')),
                    'acks', 10000),
      'heartbeat acks acknowledged every delivered event');

// 3. A broken connection, events while it is down, a reconnect with last_sequence.
const beforeDrop = progress.count;
await simAdmin(simUrl, 'POST', '/events', { count: 4000, rate: 2000 });  // ~2 s
await waitFor(() => progress.count > beforeDrop + 200, 'events before the drop');
worker.send({ cmd: 'drop' });
await waitFor(() => progress.identified === 2, 'the worker to reconnect', 15000);
await waitFor(async () => !(await simAdmin(simUrl, 'GET', '/events')).running, 'the pump', 60000);
await quiet();
const total = (await logged()) - baseLogged;
check(progress.count - baseCount === total,
      `after the reconnect the worker holds every event exactly once (${progress.count -
        baseCount} of ${total})`);

// 4. SIGTERM: drain.
worker.kill('SIGTERM');
const code = await Promise.race([workerExit, sleep(20000).then(() => 'timeout')]);
check(code === 0, `the worker drained on SIGTERM and exited 0 (${code})`);
await waitFor(() => summary !== null, 'the worker\'s summary', 2000);
if (summary) {
  const seqs = summary.seqs;
  let contiguous = true;
  for (let i = 0; i < seqs.length; i++) {
    if (seqs[i] !== i + 1) {
      contiguous = false;
      console.log(`  sequence ${i}: ${seqs[i]} (expected ${i + 1})`);
      break;
    }
  }
  check(contiguous, `sequences 1..${seqs.length} over both streams: no gap, no duplicate`);
  check(summary.outOfOrder === 0, 'sequences strictly increase on every stream');
  check(summary.streams === 2 && summary.identified === 2, 'two streams, each identified');
  check(JSON.stringify(summary.closes) === JSON.stringify(['DRAIN_COMPLETE']),
        `stream_closed{DRAIN_COMPLETE} and nothing else (${summary.closes})`);
  check(JSON.stringify(summary.statuses) === JSON.stringify(['CANCELLED', 'OK']),
        `the dropped call was cancelled, the drained call ended OK (${summary.statuses})`);
  check(summary.eventsAfterDrainComplete === 0, 'no event after DRAIN_COMPLETE');
  check(summary.eventsWithoutData === 0, 'every envelope carries an event');
}
check((await groupCounter('dropped')) === 0, 'the group dropped nothing');

console.log(failures.length === 0 ? 'all checks passed' : `${failures.length} checks failed`);
process.exit(failures.length === 0 ? 0 : 1);
