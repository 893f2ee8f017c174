import { parseSpecCompact, type ParsedSpec } from '@vault/dsl';

export { analyzeSpec as analyze, type Analysis } from '@vault/dsl';

export function loadCompact(text: string, model: string, description?: string): ParsedSpec {
  return parseSpecCompact(text, description === undefined ? { model } : { model, description });
}
