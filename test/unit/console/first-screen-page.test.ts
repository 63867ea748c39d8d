// The editor's page as `vnet serve` sends it, with its first screen drawn in the root
// (src-renderer/src/firstScreen.tsx, run here from source): the screen inside an inert root
// and the settings it was drawn from in their data block; a page without a drawing (none
// built, or it failed) keeps the plain root and the editor draws the screen itself.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startConsole, type ConsoleServer } from '../../../src-main/console/server';
import { loadFirstScreen, type FirstScreen } from '../../../src-main/console/first-page';
import { inlineScriptHashes } from '../../../src-main/inline-scripts';
import { renderFirstScreen } from '../../../src-renderer/src/firstScreen';
import type { LoadedConfig } from '../../../src-shared/api/types';
import { exampleConfig, fakeFrontDoor } from '../helper/fakes';

const INDEX =
  '<!doctype html><html><head><title>editor</title><script type="module" src="./app.js"></script></head><body>\n<div id="root"></div>\n</body></html>';

const folders: string[] = [];
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-first-screen-'));
  folders.push(dir);
  return dir;
}

/** The page a signed-in browser gets from a console that draws with `firstScreen`. */
async function page(firstScreen?: FirstScreen): Promise<string> {
  return (await pageResponse(firstScreen)).body;
}

/** The same, with its headers, from a console whose built page is `index`. */
async function pageResponse(firstScreen?: FirstScreen, index = INDEX): Promise<http.IncomingMessage & { body: string }> {
  const rendererDir = folder();
  fs.writeFileSync(path.join(rendererDir, 'index.html'), index);
  const door = fakeFrontDoor();
  const server: ConsoleServer = await startConsole({
    dispatcher: door.dispatcher,
    events: door.events,
    rendererDir,
    port: 0,
    ...(firstScreen ? { firstScreen } : {}),
  });
  closers.push(
    () => server.close(),
    () => door.events.close(),
  );
  const get = (pathName: string, cookie?: string) =>
    new Promise<http.IncomingMessage & { body: string }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: server.port, path: pathName, headers: cookie ? { cookie } : {} }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(Object.assign(res, { body })));
        })
        .on('error', reject);
    });
  const signIn = await get(`/?token=${server.token}`);
  const cookie = String(signIn.headers['set-cookie']?.[0]).split(';')[0]!;
  return get('/', cookie);
}

const dataBlock = (body: string) => JSON.parse(/<script type="application\/json" id="vnet-first-config">(.*?)<\/script>/s.exec(body)![1]!);

describe("the editor's page with its first screen drawn", () => {
  it('draws the stored networks inside an inert root, before the data block they were drawn from', async () => {
    const body = await page((loaded) => renderFirstScreen(loaded as LoadedConfig));
    const root = /<div id="root" inert>(.*?)<\/div>\n<\/body>/s.exec(
      body.replace(/<script type="application\/json"[\s\S]*?<\/script>\n/, ''),
    );
    expect(root, body).not.toBeNull();
    expect(root![1]).toContain('aria-label="Virtual networks"');
    for (const network of exampleConfig().networks) expect(root![1]).toContain(`<td>${network.name}</td>`);
    expect(dataBlock(body)).toEqual({ ok: true, result: { config: exampleConfig(), source: 'stored', warnings: [] } });
    expect(body.indexOf('vnet-first-config')).toBeGreaterThan(body.indexOf('<div id="root" inert>'));
  });

  it('keeps the plain root when drawing fails or nothing draws, and still sends the settings', async () => {
    for (const firstScreen of [
      () => {
        throw new Error('broken renderer');
      },
      undefined,
    ]) {
      const body = await page(firstScreen);
      expect(body).toContain('<div id="root"></div>');
      expect(body).not.toContain('inert');
      expect(dataBlock(body)).toMatchObject({ ok: true });
    }
  });

  it("allows the built page's own inline script by its hash, and no script the drawing brings", async () => {
    const early = 'window.early = 1;';
    const index = INDEX.replace('</body>', `<script type="module">${early}</script>\n</body>`);
    const drawnScript = '<script>window.drawn = 1;</script>';
    const reply = await pageResponse(() => `<p>networks</p>${drawnScript}`, index);
    expect(reply.body).toContain(drawnScript);
    const sha = (text: string) => `'sha256-${crypto.createHash('sha256').update(text).digest('base64')}'`;
    const scriptSrc = /(?:^|; )script-src ([^;]*)/.exec(String(reply.headers['content-security-policy']))![1];
    expect(scriptSrc).toBe(`'self' ${sha(early)}`);
    // The data block is not a script, and a script with a src is allowed by 'self' already.
    expect(inlineScriptHashes(`${index}<script type="application/json" id="x">{}</script>`)).toEqual([sha(early)]);
  });

  it('loads the renderer built next to the editor, and says why when it cannot (the editor then draws it)', () => {
    const dir = folder();
    const warnings: string[] = [];
    expect(loadFirstScreen(path.join(dir, 'missing.cjs'), (w) => warnings.push(w))).toBeUndefined();
    expect(warnings).toEqual([]);
    fs.writeFileSync(path.join(dir, 'throws.cjs'), "throw new Error('half-built');");
    fs.writeFileSync(path.join(dir, 'other.cjs'), 'exports.somethingElse = 1;');
    fs.writeFileSync(path.join(dir, 'good.cjs'), "exports.renderFirstScreen = (loaded) => '<p>' + loaded.config.networks.length + '</p>';");
    expect(loadFirstScreen(path.join(dir, 'throws.cjs'), (w) => warnings.push(w))).toBeUndefined();
    expect(loadFirstScreen(path.join(dir, 'other.cjs'), (w) => warnings.push(w))).toBeUndefined();
    expect(warnings).toEqual([`${dir}/throws.cjs does not load: half-built`, `${dir}/other.cjs has no renderFirstScreen`]);
    expect(loadFirstScreen(path.join(dir, 'good.cjs'))?.({ config: { networks: [1, 2] } })).toBe('<p>2</p>');
  });
});
