/** A file an emitter produces: a path relative to the output folder, and its text. */
export interface EmittedFile {
  readonly path: string;
  readonly content: string;
}
