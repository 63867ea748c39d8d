// Tools that answer several commands in one run print one JSON document per command, one
// after the other (`ip -j -batch -`: an array per line of input; `nft -j -f -`: an
// `{"nftables": […]}` object per list command). This splits such output into its documents.

/**
 * The top-level JSON documents of `text`, in order. Throws when the text is not a sequence of
 * complete JSON documents separated by nothing but white space (cut short, or not JSON at all).
 */
export function splitJsonDocuments(text: string): unknown[] {
  const documents: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      if (depth === 0) throw new Error(`a JSON document must be an array or object (character ${i})`);
      inString = true;
    } else if (c === '[' || c === '{') {
      if (depth === 0) start = i;
      depth += 1;
    } else if (c === ']' || c === '}') {
      depth -= 1;
      if (depth < 0) throw new Error(`unbalanced "${c}" at character ${i}`);
      if (depth === 0) documents.push(JSON.parse(text.slice(start, i + 1)));
    } else if (depth === 0 && !/\s/.test(c!)) {
      throw new Error(`unexpected "${c}" between JSON documents (character ${i})`);
    }
  }
  if (depth !== 0 || inString) throw new Error('the last JSON document is cut short');
  return documents;
}
