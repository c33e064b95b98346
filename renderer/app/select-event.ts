/**
 * Select an event by number in the event table (follow pane chunks, HTTP view event links).
 * Its position in the current order (filtered, sorted) comes from the engine's `rowOf`.
 */
import { selectRow } from '../table/EventTable.tsx';
import { rowOfEvent, type Session } from './session.ts';
import { shownCount, useApp } from './store.ts';

export { rowOfEvent };

/**
 * Select event `ev` in the Events tab. When the filter in force hides it and `clearIfHidden`,
 * the filter is cleared first. Resolves false when it could not be shown.
 */
export async function selectEvent(session: Session, ev: number, clearIfHidden = false): Promise<boolean> {
  let row = await rowOfEvent(session, ev);
  if (row < 0 && clearIfHidden && useApp.getState().view) {
    session.setFilterText('', true);
    await session.applyFilter('');
    row = await rowOfEvent(session, ev);
  }
  if (row < 0) return false;
  selectRow(row, shownCount(useApp.getState()), session.rows());
  useApp.setState({ selectedEvent: ev, mainTab: 'events' });
  return true;
}
