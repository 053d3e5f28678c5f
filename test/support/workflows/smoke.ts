import {
  condition,
  defineQuery,
  defineSignal,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { WmoOverdue, WmoStatus } from '../../../workflows/search-attributes';

/*
 * The smallest workflow that exercises what every lifecycle workflow relies on: a long durable timer
 * raced against a signal, a query, and search-attribute upserts. Tests keep it as their template.
 */

export interface SmokeInput {
  /** How long to wait for the `proceed` signal before the wait counts as overdue. */
  waitDays: number;
}

export interface SmokeState {
  phase: 'waiting' | 'overdue' | 'done';
  proceededWith?: string;
}

export const proceedSignal = defineSignal<[string]>('proceed');
export const smokeStateQuery = defineQuery<SmokeState>('state');

const dayMs = 24 * 60 * 60 * 1000;

export async function smokeWorkflow(input: SmokeInput): Promise<SmokeState> {
  const state: SmokeState = { phase: 'waiting' };
  setHandler(smokeStateQuery, () => state);
  setHandler(proceedSignal, (note) => {
    state.proceededWith = note;
  });
  upsertSearchAttributes([
    { key: WmoStatus, value: 'waiting' },
    { key: WmoOverdue, value: false },
  ]);

  const inTime = await condition(() => state.proceededWith !== undefined, input.waitDays * dayMs);
  if (!inTime) {
    // A missed deadline stays visible to operators until it is met.
    state.phase = 'overdue';
    upsertSearchAttributes([
      { key: WmoStatus, value: 'overdue' },
      { key: WmoOverdue, value: true },
    ]);
    await condition(() => state.proceededWith !== undefined);
  }
  state.phase = 'done';
  upsertSearchAttributes([
    { key: WmoStatus, value: 'done' },
    { key: WmoOverdue, value: false },
  ]);
  return state;
}
