// MUI's theme around the parts that use MUI (dialogs, the other views). It lives in
// their chunks, not the first screen's: the window's frame and the Networks view are
// plain elements (src/plain), and MUI loads after them.
import type { ReactNode } from 'react';
import { ThemeProvider, type Theme } from '@mui/material/styles';
import { usePrefersDark } from '../plain/colorScheme';
import { makeTheme } from '../theme';

const themes = new Map<'light' | 'dark', Theme>();

function themeFor(mode: 'light' | 'dark'): Theme {
  let theme = themes.get(mode);
  if (!theme) themes.set(mode, (theme = makeTheme(mode)));
  return theme;
}

export function Themed({ children }: { children: ReactNode }) {
  const dark = usePrefersDark();
  return <ThemeProvider theme={themeFor(dark ? 'dark' : 'light')}>{children}</ThemeProvider>;
}
