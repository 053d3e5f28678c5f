import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../app/config';

/** The embedded Temporal's storage and partition settings (TEMPORAL_DB_PRAGMAS, TEMPORAL_TQ_PARTITIONS). */
describe('embedded Temporal settings', () => {
  it('defaults to the benchmarked choice: WAL with synchronous=full, one task-queue partition', () => {
    const config = loadConfig({});
    expect(config.TEMPORAL_DB_PRAGMAS).toEqual(['journal_mode=wal', 'synchronous=full']);
    expect(config.TEMPORAL_TQ_PARTITIONS).toBe(1);
  });

  it('takes a comma-separated pragma list, and an empty one for SQLite defaults', () => {
    expect(
      loadConfig({ TEMPORAL_DB_PRAGMAS: 'journal_mode=WAL, synchronous=normal' }).TEMPORAL_DB_PRAGMAS,
    ).toEqual(['journal_mode=WAL', 'synchronous=normal']);
    expect(loadConfig({ TEMPORAL_DB_PRAGMAS: '' }).TEMPORAL_DB_PRAGMAS).toEqual([]);
  });

  it.each([
    'synchronus=full',
    'journal_mode=fast',
    'synchronous',
    'mode=memory',
    'journal_mode=wal=1',
    'constructor=x',
  ])('refuses the pragma %s, naming the variable and the rule', (pragma) => {
    expect(() => loadConfig({ TEMPORAL_DB_PRAGMAS: `journal_mode=wal,${pragma}` })).toThrow(
      `TEMPORAL_DB_PRAGMAS: "${pragma}" is not name=value with name journal_mode or synchronous`,
    );
  });

  it('refuses a partition count below 1', () => {
    expect(() => loadConfig({ TEMPORAL_TQ_PARTITIONS: '0' })).toThrow(/TEMPORAL_TQ_PARTITIONS:/);
  });
});
