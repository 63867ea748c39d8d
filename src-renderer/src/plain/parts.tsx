// The first screen's building blocks as plain elements, styled by plain.css: a button,
// a labelled text field (or native select), a checkbox or radio with its label, an error
// message. They look like the MUI components the dialogs use, without MUI's runtime
// styling, which was most of the editor's load time (bench/analysis.md).
import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type Ref } from 'react';

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: 'text' | 'outlined' | 'contained';
  size?: 'small' | 'medium';
  ref?: Ref<HTMLButtonElement>;
};

export function Button({ variant = 'text', size = 'medium', className, type = 'button', ...rest }: ButtonProps) {
  const classes = ['p-button', variant === 'text' ? '' : `p-${variant}`, size === 'small' ? 'p-small' : '', className ?? ''];
  return <button type={type} className={classes.filter(Boolean).join(' ')} {...rest} />;
}

interface FieldProps {
  label: string;
  value: string;
  onValue: (value: string) => void;
  /** The model's message for this field, or undefined when it is fine. */
  problem?: string | undefined;
  hint?: string;
  disabled?: boolean;
  inputMode?: InputHTMLAttributes<HTMLInputElement>['inputMode'];
  /** A native select with these options instead of a text input. */
  options?: ReactNode;
  fullWidth?: boolean;
  className?: string;
}

/** An outlined field with its label in the outline, and the problem (or a hint) under it. */
export function TextField({ label, value, onValue, problem, hint, disabled, inputMode, options, fullWidth, className }: FieldProps) {
  const id = useId();
  const help = problem ?? hint;
  const classes = ['p-field', problem ? 'p-invalid' : '', disabled ? 'p-disabled' : '', fullWidth ? 'p-full' : '', className ?? ''];
  const common = {
    id,
    value,
    disabled,
    'aria-invalid': problem !== undefined,
    'aria-describedby': help === undefined ? undefined : `${id}-help`,
  };
  return (
    <div className={classes.filter(Boolean).join(' ')}>
      <label className="p-field-label" htmlFor={id}>
        {label}
      </label>
      <div className="p-field-box">
        {options === undefined ? (
          <input type="text" inputMode={inputMode} onChange={(event) => onValue(event.target.value)} {...common} />
        ) : (
          <>
            <select onChange={(event) => onValue(event.target.value)} {...common}>
              {options}
            </select>
            <svg className="p-field-arrow" viewBox="0 0 24 24" aria-hidden="true">
              <path d="M7 10l5 5 5-5z" />
            </svg>
          </>
        )}
        <fieldset aria-hidden="true">
          <legend>
            <span>{label}</span>
          </legend>
        </fieldset>
      </div>
      {help !== undefined && (
        <p className="p-field-help" id={`${id}-help`}>
          {help}
        </p>
      )}
    </div>
  );
}

type ChoiceProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> & { type: 'checkbox' | 'radio'; label: ReactNode };

/** A checkbox or radio button with its label; clicking the label toggles it. */
export function Choice({ type, label, className, ...input }: ChoiceProps) {
  return (
    <label className={`p-choice${className ? ` ${className}` : ''}`}>
      <input type={type} {...input} />
      <span>{label}</span>
    </label>
  );
}

const ERROR_ICON =
  'M11 15h2v2h-2zm0-8h2v6h-2zm.99-5C6.47 2 2 6.48 2 12s4.47 10 9.99 10C17.52 22 22 17.52 22 12S17.52 2 11.99 2zM12 20c-4.42 0-8-3.58-8-8s3.58-8 8-8 8 3.58 8 8-3.58 8-8 8z';
const CLOSE_ICON = 'M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z';

/** An error message with an optional title and a Close button (MUI's error Alert). */
export function Alert({ title, onClose, label, children }: { title?: string; onClose?: () => void; label?: string; children: ReactNode }) {
  return (
    <div className="p-alert" role="alert" aria-label={label}>
      <div className="p-alert-icon">
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d={ERROR_ICON} />
        </svg>
      </div>
      <div className="p-alert-message">
        {title && <div className="p-alert-title">{title}</div>}
        {children}
      </div>
      {onClose && (
        <div className="p-alert-close">
          <button type="button" className="p-icon-button" aria-label="Close" title="Close" onClick={onClose}>
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <path d={CLOSE_ICON} />
            </svg>
          </button>
        </div>
      )}
    </div>
  );
}
