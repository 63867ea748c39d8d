// Light and dark themes; the app follows the system's `prefers-color-scheme`.
import { createTheme, type Theme } from '@mui/material/styles';

export function makeTheme(mode: 'light' | 'dark'): Theme {
  return createTheme({
    palette: { mode, primary: { main: mode === 'dark' ? '#7fb3ff' : '#1f5fbf' } },
    typography: { fontSize: 13 },
    components: {
      MuiButton: {
        defaultProps: { disableElevation: true },
        styleOverrides: { root: { textTransform: 'none', whiteSpace: 'nowrap', flexShrink: 0 } },
      },
      MuiTableCell: { styleOverrides: { head: { whiteSpace: 'nowrap' } } },
      MuiTab: { styleOverrides: { root: { textTransform: 'none', minHeight: 44 } } },
      MuiTabs: { styleOverrides: { root: { minHeight: 44 } } },
    },
  });
}
