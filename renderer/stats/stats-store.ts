/** Which statistics view the Statistics tab shows (set by its tabs and by Statistics ▸ …). */
import { create } from 'zustand';
import type { StatsViewId } from '../../shared/stats-views.ts';

export const useStatsView = create<{ view: StatsViewId | null }>(() => ({ view: null }));
