import { findOutputArea, placeView } from '../../outputs/placement';
import { fakeCell } from '../fakes';

describe('placement', () => {
  it('finds the output area running the parent execute request', () => {
    const running = fakeCell('b');
    const cells = [{ notACell: true }, fakeCell(null), fakeCell('a'), running];
    expect(findOutputArea(cells, 'b')).toBe(running.outputArea);
  });

  it('finds nothing for an empty parent id, even next to idle cells', () => {
    expect(findOutputArea([fakeCell(null)], '')).toBeNull();
  });

  it('reports when no cell matches so the caller can keep the model only', () => {
    const cell = fakeCell('a');
    expect(placeView([cell], 'zzz', { comm_id: 'c', target_name: 't' })).toBe(
      false
    );
    expect(cell.outputs).toEqual([]);
  });
});
