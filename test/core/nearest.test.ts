import { describe, expect, it } from 'vitest';
import { editDistance, nearestName } from '../../src/core/nearest.js';

describe('nearestName', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('Snapshot', 'Snapshots')).toBe(1);
    expect(editDistance('Snapshots', 'Snapshot')).toBe(1);
    expect(editDistance('Snapshot', 'Snepshot')).toBe(1);
    expect(editDistance('Snpashot', 'Snapshot')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests the closest candidate, ignoring case, only within a typo', () => {
    const tags = ['Conformance', 'Feature:Snapshots', 'Feature:SnapshotMetadata', 'Serial'];
    expect(nearestName('feature:snapshot', tags)).toBe('Feature:Snapshots');
    expect(nearestName('Conformnace', tags)).toBe('Conformance');
    expect(nearestName('Feature:Block', tags)).toBeUndefined();
  });
});
