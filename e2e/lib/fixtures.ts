// The suite's `test`: every test gets its own Lab (namespaces, folders, console,
// browser), torn down afterwards whatever happened. The `frontDoor` option picks the
// web console in Chromium or the Electron app; the Electron project is skipped, with
// the reason, where no Electron binary is installed.
import { test as base, expect, type Page } from '@playwright/test';
import { electronBinary } from './electron';
import { Lab, type FrontDoor } from './lab';
import { EditorPage } from '../pages/editor';

export interface Options {
  frontDoor: FrontDoor;
}

interface Fixtures {
  lab: Lab;
  /** Opens the editor on the lab's host (after the test has set up the host). */
  /** `beforeLoad`: see Lab.openPage. */
  openEditor: (beforeLoad?: (page: Page) => Promise<void>) => Promise<EditorPage>;
}

export const test = base.extend<Fixtures & Options>({
  frontDoor: ['web', { option: true }],

  lab: async ({ frontDoor, launchOptions }, use, testInfo) => {
    if (frontDoor === 'electron') {
      const binary = electronBinary();
      testInfo.skip(!binary.path, `Electron variant not run: ${binary.reason}`);
    }
    const lab = new Lab(frontDoor, launchOptions);
    try {
      await use(lab);
    } finally {
      if (testInfo.status !== testInfo.expectedStatus && lab.log) await testInfo.attach('vnet serve stderr', { body: lab.log });
      await lab.close();
    }
  },

  openEditor: async ({ lab }, use, testInfo) => {
    const opened: EditorPage[] = [];
    await use(async (beforeLoad) => {
      const page = await lab.openPage(beforeLoad);
      const editor = new EditorPage(page, lab.frontDoor, lab.electron);
      opened.push(editor);
      await editor.waitUntilLoaded();
      return editor;
    });
    if (testInfo.status !== testInfo.expectedStatus) {
      for (const editor of opened) {
        const shot = await editor.page.screenshot().catch(() => undefined);
        if (shot) await testInfo.attach('editor at failure', { body: shot, contentType: 'image/png' });
      }
    }
  },
});

export { expect };
