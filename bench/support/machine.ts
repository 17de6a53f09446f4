import { availableParallelism, cpus, loadavg, totalmem, platform, release } from 'node:os';

/** What the figures were measured on: they mean little without it. */
export function machineFacts(): string[] {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return [
    `cores: ${availableParallelism()} (${model})`,
    `memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `node: ${process.version} on ${platform()} ${release()}`,
    `load average at start (1, 5, 15 min): ${loadavg()
      .map((load) => load.toFixed(2))
      .join(', ')}; above the core count, other work shares the CPU and depresses every figure`,
  ];
}

/** The 1-minute load average now: printed beside each figure, since the machine is shared. */
export function loadAverage(): number {
  return loadavg()[0]!;
}

export function elapsedMs(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e6;
}

/** CPU time of the whole machine and of this process, to tell who was saturated during a run. */
export interface CpuSnapshot {
  atNs: bigint;
  machineBusyMs: number;
  machineTotalMs: number;
  process: NodeJS.CpuUsage;
}

export function cpuSnapshot(): CpuSnapshot {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { atNs: process.hrtime.bigint(), machineBusyMs: busy, machineTotalMs: total, process: process.cpuUsage() };
}

/** Machine busy share (all cores) and this process's CPU in cores, between two snapshots. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): { machineBusy: number; processCores: number } {
  const wallMs = Number(after.atNs - before.atNs) / 1e6;
  const processMs = (after.process.user - before.process.user + after.process.system - before.process.system) / 1000;
  const totalMs = after.machineTotalMs - before.machineTotalMs;
  return { machineBusy: totalMs > 0 ? (after.machineBusyMs - before.machineBusyMs) / totalMs : NaN, processCores: processMs / wallMs };
}
