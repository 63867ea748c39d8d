// A labelled text field that shows the shared model's message for its path once
// the user has touched it (typed in it or left it), as cockpit's dialogs do.
import { useCallback, useState } from 'react';
import TextField, { type TextFieldProps } from '@mui/material/TextField';

export function useTouched(): { touched: (name: string) => boolean; touch: (name: string) => void; touchAll: () => void } {
  const [names, setNames] = useState<Set<string>>(new Set());
  const [all, setAll] = useState(false);
  const touch = useCallback((name: string) => setNames((prev) => (prev.has(name) ? prev : new Set(prev).add(name))), []);
  return { touched: (name) => all || names.has(name), touch, touchAll: () => setAll(true) };
}

type Props = Omit<TextFieldProps, 'error' | 'onChange' | 'value'> & {
  label: string;
  value: string;
  onValue: (value: string) => void;
  /** The model's message for this field, or undefined when it is fine. */
  problem?: string | undefined;
  /** Show `problem` (the field was touched). */
  showProblem?: boolean;
  hint?: string;
};

export function Field({ label, value, onValue, problem, showProblem = true, hint, ...rest }: Props) {
  const visible = showProblem && problem !== undefined;
  return (
    <TextField
      size="small"
      label={label}
      value={value}
      onChange={(event) => onValue(event.target.value)}
      error={visible}
      helperText={visible ? problem : hint}
      {...rest}
    />
  );
}
