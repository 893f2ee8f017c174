/**
 * Generated files name the spec by its file name only: however the path is spelled, every
 * emitter gives the same bytes, and none holds a directory.
 */
import { describe, expect, it } from 'vitest';
import { emitDocs, emitQueryDsl, emitSql, manifestJson, manifestJsonChunks, buildManifest, specFileName } from '@vault/emitters/internal';
import { sampleModel } from '../fixtures/ir-sample.js';

const SPELLINGS = ['ews.yaml', 'specs/ews.yaml', './specs/../specs/ews.yaml', '/home/someone/project/specs/ews.yaml', 'C:\\work\\specs\\ews.yaml', 'specs\\ews.yaml'];

function allOutput(specPath: string): string[] {
  const dsl = emitQueryDsl(sampleModel, { specPath });
  const options = { specPath, files: dsl.map((f) => f.path) };
  return [
    ...dsl.map((f) => f.content),
    manifestJson(buildManifest(sampleModel, options)),
    [...manifestJsonChunks(sampleModel, options)].join(''),
    ...emitSql(sampleModel, { specPath }).map((f) => f.content),
    ...emitDocs(sampleModel, { specPath }).files.map((f) => f.content),
  ];
}

describe('specFileName', () => {
  it('keeps the file name of any spelling, with either separator', () => {
    for (const s of SPELLINGS) expect(specFileName(s), s).toBe('ews.yaml');
    expect(specFileName('<source-tables>')).toBe('<source-tables>');
  });

  it('makes every emitter give the same bytes for every spelling of the path, naming no directory', () => {
    const expected = allOutput('ews.yaml');
    for (const s of SPELLINGS) expect(allOutput(s), s).toEqual(expected);
    for (const text of expected) expect(text).not.toMatch(/specs[/\\]|someone|C:/);
  });
});
