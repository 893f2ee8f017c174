/**
 * YAML text → plain data with js-yaml, for a spec that is well-formed YAML (nearly all of them).
 *
 * The `yaml` package builds a syntax tree of about 60 bytes of heap per byte of text; js-yaml
 * reads straight into data, several times faster in a fraction of the memory. The `yaml` package stays the
 * authority for syntax errors, duplicate keys and positions: this answers only when js-yaml reads
 * the text without complaint and is sure to read it as the `yaml` package does. Otherwise it
 * returns `undefined` and the caller parses the text with the `yaml` package, which then also
 * reports the errors. A property test checks that whenever it answers, the answers agree.
 *
 * Both use the YAML 1.2 core schema (no timestamps, binary or merge keys; `yes` is a string).
 * Where they still differ, this declines:
 * - a `%YAML` or `%TAG` directive: `%YAML 1.1` switches the `yaml` package to the 1.1 schema;
 * - an explicit scalar tag (`!!float 1`): the `yaml` package leaves some unresolved, as strings;
 * - a number beyond a double (`1e400`): Infinity in the `yaml` package, a string in js-yaml;
 * - an alias: the `yaml` package limits how far aliases expand, and reports the ones that go too far;
 * - a null key (`: x`, `~: x`): `""` in the `yaml` package, `"null"` in js-yaml;
 * - a tab in a line's leading white space: the `yaml` package rejects some that js-yaml accepts
 *   (a tab-only line after a block scalar);
 * - an escaped line break in a double-quoted string (`\` at the end of a line): followed by an
 *   empty line, they fold it differently;
 * - a block scalar with an indentation indicator (`|2`): on white-space-only lines indented past
 *   it, the `yaml` package drops the extra spaces and js-yaml keeps them;
 * - a text whose last line is white space without a line break: after a `|+` or `>+` block
 *   scalar, they count its line breaks differently.
 * js-yaml itself throws on duplicate keys, unknown tags, keys that are collections, several
 * documents, an empty document and every syntax error.
 */
import { CORE_SCHEMA, load, mapTag, NOT_RESOLVED, Schema, type ScalarTagDefinition, type TagDefinition } from 'js-yaml';

/** Thrown from a tag resolver to abandon js-yaml; never escapes this module. */
class Unsure extends Error {}

/** A number in the core schema's notation (`12`, `-1.5e3`, `.5`): the yaml package's float and int tests, widened. */
const NUMBER = /^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;

function guarded(tag: ScalarTagDefinition): ScalarTagDefinition {
  return {
    ...tag,
    resolve(source, isExplicit, tagName) {
      if (isExplicit) throw new Unsure();
      const value: unknown = tag.resolve(source, isExplicit, tagName);
      // js-yaml gives up on non-finite numbers (then the text is a string); the yaml package reads Infinity.
      if (value === NOT_RESOLVED && tag.tagName === 'tag:yaml.org,2002:float' && NUMBER.test(source)) throw new Unsure();
      return value;
    },
  };
}

/** js-yaml's `{}`-based mappings, refusing null keys (an error string makes js-yaml throw). */
const mappings: typeof mapTag = {
  ...mapTag,
  addPair: (carrier, key, value) => (key === null ? 'null key' : mapTag.addPair(carrier, key, value)),
};

const SCHEMA = new Schema(CORE_SCHEMA.tags.map((t: TagDefinition) => (t.nodeKind === 'scalar' ? guarded(t) : t.tagName === mapTag.tagName ? mappings : t)));

/**
 * Text this declines without reading it: a directive line (`%YAML 1.1`), a tab in a line's
 * leading white space, a backslash at the end of a line, a block scalar header with an
 * indentation indicator. Specs seldom hold these; where one is not what it seems (a `%` or a
 * backslash inside a block scalar), it only costs the fast read.
 */
const DECLINED = /^%|^ *\t|\\\r?\n|[|>](?:[1-9][-+]?|[-+][1-9])[ \t]*(?:#.*)?$/m;
/** The last line is white space, without a line break (only the tail is looked at). */
const blankEnd = (text: string): boolean => /^[ \t\r]+$/.test(text.slice(text.lastIndexOf('\n') + 1));

/** The document's data when js-yaml reads it as a mapping exactly as the `yaml` package would, else `undefined`. */
export function readYamlData(text: string): Record<string, unknown> | undefined {
  if (DECLINED.test(text) || blankEnd(text)) return undefined;
  let data: unknown;
  try {
    data = load(text, { schema: SCHEMA, maxAliases: 0 });
  } catch {
    // Unsure, or any YAMLException: the yaml package reads the text again and has the last word.
    return undefined;
  }
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
}
