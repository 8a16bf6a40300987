// Child processes for the Node test drivers and benchmarks: start a server and wait for the line
// that says where it listens, run a command to completion, and stop whatever is still running.

import { spawn } from 'node:child_process';
import { once } from 'node:events';

export class Children {
  constructor() {
    this.list = [];
  }

  // Starts `path args` and resolves with the match of `pattern` in its stdout (the child is
  // `match.child`); its stdout keeps being drained after that.
  async start(path, args, pattern, name) {
    const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    this.list.push(child);
    let output = '';
    child.stdout.setEncoding('utf8');
    for await (const chunk of child.stdout) {
      output += chunk;
      const match = output.match(pattern);
      if (match) {
        child.stdout.resume();
        match.child = child;
        return match;
      }
    }
    throw new Error(`${name} exited before listening: ${output}`);
  }

  // SIGTERM to every child still running.
  stopAll() {
    for (const child of this.list) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
  }

  // Resolves once every child has exited.
  async waitAll() {
    await Promise.all(this.list.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : null)));
  }
}

// Runs `path args` to completion: its exit code and its stdout and stderr together.
export async function run(path, args) {
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const [code] = await once(child, 'exit');
  return { code, out };
}
