// Renders editor parts the way the app does (theme + host), for component tests.
import type { ReactElement } from 'react';
import { render, type RenderResult } from '@testing-library/react';
import { ThemeProvider } from '@mui/material/styles';
import { HostProvider } from '../../../src-renderer/src/host/context';
import { hostFromVnet } from '../../../src-renderer/src/host/vnet-host';
import { makeTheme } from '../../../src-renderer/src/theme';
import { createFakeHost, type FakeHost } from './fake-host';

export function renderWithHost(ui: ReactElement, api: FakeHost = createFakeHost()): RenderResult & { api: FakeHost } {
  const result = render(
    <ThemeProvider theme={makeTheme('light')}>
      <HostProvider value={hostFromVnet(api)}>{ui}</HostProvider>
    </ThemeProvider>,
  );
  return { ...result, api };
}
