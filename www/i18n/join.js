// Joins a language's catalogue from its parts (www/i18n/en.js, www/i18n/zh.js): one object
// of every key, and a key that two parts both hold is an error, not a silent override.

/** `parts`: { name: { key: text } }; returns { key: text } of them all. */
export function joinParts(parts) {
  const all = {};
  for (const [name, part] of Object.entries(parts)) {
    for (const [key, text] of Object.entries(part)) {
      if (key in all) throw new Error(`i18n: ${key} is in two parts of the catalogue (the second: ${name})`);
      all[key] = text;
    }
  }
  return all;
}
