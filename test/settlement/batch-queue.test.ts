import { expect } from 'chai';
import { BatchQueue, type BatchOutcome } from '../../server/settlement/batch-queue.ts';

/** A batch runner that records its batches and answers each key with its double, failing on negative keys. */
function recordingRunner(options: { holdMs?: number } = {}) {
  const batches: number[][] = [];
  let running = 0;
  let mostRunning = 0;
  const run = async (keys: number[]) => {
    batches.push(keys);
    running += 1;
    mostRunning = Math.max(mostRunning, running);
    await new Promise((resolve) => setTimeout(resolve, options.holdMs ?? 5));
    running -= 1;
    return new Map<number, BatchOutcome<number>>(
      keys.map((key) => [key, key < 0 ? { ok: false, error: new Error(`bad ${key}`) } : { ok: true, value: key * 2 }]),
    );
  };
  return { run, batches, mostRunning: () => mostRunning };
}

describe('PAY-2 settlements that end together are grouped (BatchQueue)', () => {
  it('a lone request starts at once, alone', async () => {
    const runner = recordingRunner();
    const queue = new BatchQueue(runner.run, { maxBatchSize: 64, maxBatchesInFlight: 2 });
    expect(await queue.submit(7)).to.equal(14);
    expect(runner.batches).to.deep.equal([[7]]);
  });

  it('requests of one turn share the free batches; those arriving meanwhile go in the next ones, within the limits', async () => {
    const runner = recordingRunner({ holdMs: 20 });
    const queue = new BatchQueue(runner.run, { maxBatchSize: 3, maxBatchesInFlight: 2 });
    const first = Array.from({ length: 4 }, (_, index) => queue.submit(index));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = Array.from({ length: 8 }, (_, index) => queue.submit(10 + index));
    expect(await Promise.all([...first, ...later])).to.deep.equal([0, 2, 4, 6, ...Array.from({ length: 8 }, (_, index) => 20 + 2 * index)]);
    expect(runner.batches.slice(0, 2)).to.deep.equal([
      [0, 1],
      [2, 3],
    ]);
    expect(runner.batches.flat().sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, ...Array.from({ length: 8 }, (_, index) => 10 + index)]);
    for (const batch of runner.batches) expect(batch.length).to.be.at.most(3);
    expect(runner.mostRunning()).to.equal(2);
  });

  it('requests for one key share one run and one answer', async () => {
    const runner = recordingRunner();
    const queue = new BatchQueue(runner.run, { maxBatchSize: 64, maxBatchesInFlight: 1 });
    expect(await Promise.all([queue.submit(5), queue.submit(5), queue.submit(6)])).to.deep.equal([10, 10, 12]);
    expect(runner.batches).to.deep.equal([[5, 6]]);
  });

  it('a key that fails fails alone; a batch that throws fails its own keys only', async () => {
    const runner = recordingRunner();
    const queue = new BatchQueue(runner.run, { maxBatchSize: 64, maxBatchesInFlight: 1 });
    const results = await Promise.allSettled([queue.submit(1), queue.submit(-1), queue.submit(2)]);
    expect(results.map((result) => result.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);

    let calls = 0;
    const throwing = new BatchQueue<number, number>(
      async (keys) => {
        calls += 1;
        if (calls === 1) throw new Error('the database went away');
        return new Map(keys.map((key) => [key, { ok: true, value: key }]));
      },
      { maxBatchSize: 64, maxBatchesInFlight: 1 },
    );
    const failed = await Promise.allSettled([throwing.submit(1), throwing.submit(2)]);
    expect(failed.map((result) => result.status)).to.deep.equal(['rejected', 'rejected']);
    expect(await throwing.submit(3)).to.equal(3);
  });

  it('refuses limits that leave no room', () => {
    expect(() => new BatchQueue(async () => new Map(), { maxBatchSize: 0, maxBatchesInFlight: 1 })).to.throw(RangeError);
    expect(() => new BatchQueue(async () => new Map(), { maxBatchSize: 1, maxBatchesInFlight: 0 })).to.throw(RangeError);
  });
});
