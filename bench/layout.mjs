// The order the linker lays the release server's functions out in (its symbol ordering file),
// from the profiles the release build records (see `./setup.sh`): first every function the
// start and its first idle second ran, then the rest the training ran, busiest first. The
// kernel maps a binary's code in blocks of many pages around each one first touched, so code
// run together kept together is fewer blocks in memory: the idle server's resident code, and
// the pages a busy one keeps warm. Functions never run follow, as the linker would place them.
//
//   node bench/layout.mjs <llvm-profdata> <start.profdata> <training.profdata> > order.txt
import { spawn } from 'node:child_process';
import readline from 'node:readline';

const [profdata, start, training] = process.argv.slice(2);

/** Each function the profile saw run (any counter above zero), with the sum of its counters. */
async function ran(profile) {
  // The text form: a function's name, then "# Func Hash:", its hash, "# Num Counters:", the
  // count, "# Counter Values:" and that many values (value profiles, if any, follow).
  const text = spawn(profdata, ['merge', '--text', '-o', '-', profile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => text.once('close', resolve));
  const sums = new Map();
  let previous = '';
  let name = null;
  let counters = 0;
  let step = '';
  for await (const line of readline.createInterface({ input: text.stdout })) {
    if (line === '# Func Hash:') {
      // Functions of internal linkage are named "<object>;<symbol>".
      name = previous.slice(previous.lastIndexOf(';') + 1);
      step = 'hash';
    } else if (step === 'counters' && line === '# Counter Values:') {
      step = 'values';
    } else if (step === 'count') {
      counters = Number(line);
      step = 'counters';
    } else if (step === 'hash' && line === '# Num Counters:') {
      step = 'count';
    } else if (step === 'values') {
      const sum = (sums.get(name) ?? 0) + Number(line);
      sums.set(name, sum);
      if (--counters === 0) step = '';
    }
    previous = line;
  }
  const code = await exited;
  if (code !== 0) throw new Error(`${profdata} merge --text ${profile} exited with ${code}`);
  return new Map([...sums].filter(([, sum]) => sum > 0));
}

const atStart = await ran(start);
const inTraining = await ran(training);
if (atStart.size === 0 || inTraining.size === 0) throw new Error('a profile recorded no function run');
const busiestFirst = (map) => [...map].sort((a, b) => b[1] - a[1]).map(([name]) => name);
const order = [...busiestFirst(atStart), ...busiestFirst(inTraining).filter((name) => !atStart.has(name))];
process.stdout.write(order.join('\n') + '\n');
console.error(`layout: ${atStart.size} functions run at start, ${order.length - atStart.size} more in training`);
