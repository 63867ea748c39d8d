// electron-builder afterPack hook. The privileged helper is bundled in the asar
// (unpacked, so root can run it with ELECTRON_RUN_AS_NODE) and main.ts starts it from
// resources/helper.cjs when packaged; electron-builder leaves any extraResources
// source out of the asar, so the copy is made here instead.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

exports.default = async function afterPack(context) {
  const resources =
    context.electronPlatformName === 'darwin'
      ? path.join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`, 'Contents', 'Resources')
      : path.join(context.appOutDir, 'resources');
  const unpacked = path.join(resources, 'app.asar.unpacked', 'dist', 'helper.cjs');
  if (!fs.existsSync(unpacked)) throw new Error(`afterPack: ${unpacked} is missing; is dist/helper.cjs built and listed in asarUnpack?`);
  fs.copyFileSync(unpacked, path.join(resources, 'helper.cjs'));
};
