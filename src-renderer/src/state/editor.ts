// The editor's staged state: what the host has (saved) and what the user is
// building (draft). A pure reducer so staging, discarding and applying are testable.
import type { Config } from '../../../src-shared/model';
import { sameConfig } from './draft';

export interface EditorState {
  saved: Config | undefined;
  draft: Config | undefined;
  selected: number | undefined;
  /** Nothing is stored on the host yet (the defaults are shown): Apply must be possible without an edit. */
  unstored: boolean;
}

export type EditorAction =
  | { type: 'loaded'; config: Config; stored?: boolean }
  | { type: 'edit'; draft: Config; select?: number }
  | { type: 'select'; index: number }
  | { type: 'applied' }
  | { type: 'discard' };

export const initialEditor: EditorState = { saved: undefined, draft: undefined, selected: undefined, unstored: false };

function clampSelection(config: Config, selected: number | undefined): number | undefined {
  if (config.networks.length === 0) return undefined;
  if (selected === undefined) return 0;
  return Math.min(selected, config.networks.length - 1);
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'loaded':
      return {
        saved: action.config,
        draft: action.config,
        selected: clampSelection(action.config, state.selected),
        unstored: action.stored === false,
      };
    case 'edit':
      return { ...state, draft: action.draft, selected: clampSelection(action.draft, action.select ?? state.selected) };
    case 'select':
      return { ...state, selected: action.index };
    case 'applied':
      return { ...state, saved: state.draft, unstored: false };
    case 'discard':
      return state.saved ? { ...state, draft: state.saved, selected: clampSelection(state.saved, state.selected) } : state;
  }
}

export function isDirty(state: EditorState): boolean {
  if (state.saved === undefined || state.draft === undefined) return false;
  return state.unstored || !sameConfig(state.saved, state.draft);
}
