// The model's validation (zod and the field rules) loads after the first screen, once the
// page is idle: the networks show at once, and their findings follow. Until
// then the findings are unknown (undefined), and the editor offers nothing that needs
// them (OK and Apply wait). The config on screen at that point came from the host,
// which validated it.
import { useEffect, useReducer } from 'react';
import type { Config } from '../../../src-shared/model/schema';
import type { ValidationError } from '../../../src-shared/model/errors';
import { lazyModule, whenIdle } from '../components/lazyPart';

const validation = lazyModule(() => import('./validation'));

/** The draft's findings, or undefined while the validation code is still loading. */
export function useDraftErrors(draft: Config | undefined, failed: (error: unknown) => void): ValidationError[] | undefined {
  const [, arrived] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!validation.current) return whenIdle(() => void validation.load().then(arrived, failed));
  }, [failed]);
  const checker = validation.current;
  return draft && checker ? checker.validateDraft(draft) : undefined;
}
