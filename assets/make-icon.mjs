#!/usr/bin/env node
// Draws assets/icon.png (256×256) with the same shapes as assets/icon.svg, using only
// Node (zlib for PNG compression), so the icon can be regenerated without image tools.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZE = 256;
const BLUE = [0x1f, 0x5f, 0xa8, 255];
const WHITE = [255, 255, 255, 255];
const pixels = Buffer.alloc(SIZE * SIZE * 4); // transparent

function inRoundRect(x, y, rx, ry, w, h, r) {
  if (x < rx || y < ry || x >= rx + w || y >= ry + h) return false;
  const cx = Math.min(Math.max(x, rx + r), rx + w - r);
  const cy = Math.min(Math.max(y, ry + r), ry + h - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}
function fill(rx, ry, w, h, r, color) {
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) if (inRoundRect(x + 0.5, y + 0.5, rx, ry, w, h, r)) pixels.set(color, (y * SIZE + x) * 4);
}
const line = (x1, y1, x2, y2, color) =>
  fill(Math.min(x1, x2) - 6, Math.min(y1, y2) - 6, Math.abs(x2 - x1) + 12, Math.abs(y2 - y1) + 12, 6, color);

fill(8, 8, 240, 240, 48, BLUE);
line(128, 92, 128, 150, WHITE);
line(64, 150, 192, 150, WHITE);
line(64, 150, 64, 178, WHITE);
line(192, 150, 192, 178, WHITE);
fill(92, 44, 72, 52, 10, WHITE);
fill(32, 174, 64, 46, 10, WHITE);
fill(160, 174, 64, 46, 10, WHITE);
fill(104, 56, 48, 28, 4, BLUE);
fill(42, 184, 44, 26, 4, BLUE);
fill(170, 184, 44, 26, 4, BLUE);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) pixels.copy(rows, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'icon.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
