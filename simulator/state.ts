import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/*
 * What the simulator must remember across restarts of the same data folder (SIMULATOR_DIR), while its
 * mailboxes stay in memory: the sequences its Identificaties and toewijzingen are numbered from (TR056:
 * an Identificatie is never used twice by a sender, so a restart must not start again at 1), and which
 * scenarios it already issued (a restart must not issue the same 301s again as new versions). Without a
 * folder (tests in-process) the state lives as long as the simulator.
 */

export interface SimulatorState {
  /** The next number of a sequence (from 1): '301' also numbers clients and toewijzingen; '306', … */
  next(sequence: string): number;
  /** Numbers taken so far in a sequence. */
  taken(sequence: string): number;
  /** Whether the scenario of this name was issued before (by this or an earlier run on the folder). */
  issued(scenario: string): boolean;
  markIssued(scenario: string): void;
}

const stateSchema = z.object({
  sequences: z.record(z.string(), z.number().int().min(0)).default({}),
  issuedScenarios: z.array(z.string()).default([]),
});
type StateData = z.infer<typeof stateSchema>;

export const stateFileName = 'simulator-state.json';

function stateOver(data: StateData, save: () => void): SimulatorState {
  return {
    next(sequence) {
      const n = (data.sequences[sequence] ?? 0) + 1;
      data.sequences[sequence] = n;
      save();
      return n;
    },
    taken: (sequence) => data.sequences[sequence] ?? 0,
    issued: (scenario) => data.issuedScenarios.includes(scenario),
    markIssued(scenario) {
      if (!data.issuedScenarios.includes(scenario)) data.issuedScenarios.push(scenario);
      save();
    },
  };
}

export function memoryState(): SimulatorState {
  return stateOver({ sequences: {}, issuedScenarios: [] }, () => {});
}

/** State kept in `dir/simulator-state.json`, written (temp file + rename) on every change. */
export function fileState(dir: string): SimulatorState {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, stateFileName);
  let data: StateData = { sequences: {}, issuedScenarios: [] };
  try {
    data = stateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`${file} is not a simulator state file; remove it to start numbering again`);
  }
  return stateOver(data, () => {
    writeFileSync(`${file}.tmp`, JSON.stringify(data), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  });
}
