import { MAX_OPEN_SEGMENT_FILES, MIN_OPEN_SEGMENT_FILES, openSegmentFilesBudget } from '../../../storage/open-files-budget';

function limits(soft: string, hard: string): string {
  return [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max processes             95913                95913                processes ',
    `Max open files            ${soft.padEnd(20)} ${hard.padEnd(20)} files     `,
    'Max locked memory         8388608              8388608              bytes     ',
  ].join('\n');
}

describe('openSegmentFilesBudget', () => {
  it('takes half the soft open-files limit', () => {
    expect(openSegmentFilesBudget(limits('4096', '1048576'))).toBe(2048);
  });

  it('keeps within its floor and ceiling', () => {
    expect(openSegmentFilesBudget(limits('256', '256'))).toBe(MIN_OPEN_SEGMENT_FILES);
    expect(openSegmentFilesBudget(limits('20000', '20000'))).toBe(MAX_OPEN_SEGMENT_FILES);
    expect(openSegmentFilesBudget(limits('unlimited', 'unlimited'))).toBe(MAX_OPEN_SEGMENT_FILES);
  });

  it('falls back to the floor when the limit cannot be read', () => {
    expect(openSegmentFilesBudget(null)).toBe(MIN_OPEN_SEGMENT_FILES);
    expect(openSegmentFilesBudget('no such line')).toBe(MIN_OPEN_SEGMENT_FILES);
    expect(openSegmentFilesBudget(limits('lots', 'lots'))).toBe(MIN_OPEN_SEGMENT_FILES);
  });
});
