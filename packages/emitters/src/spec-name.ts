/**
 * How generated files name the spec they were made from: by its file name alone. The same spec
 * then gives the same bytes whatever directory vault runs in and however its path is spelled
 * (`specs/ews.yaml`, `./specs/ews.yaml`, `/home/me/specs/ews.yaml`, `specs\ews.yaml`), and no
 * machine path ends up in a file that is committed or compared with `--check`.
 * @example specFileName('/home/me/project/specs/ews.yaml') // 'ews.yaml'
 * @example specFileName('<source-tables>') // '<source-tables>'
 */
export function specFileName(specPath: string): string {
  // Both separators whatever the platform: a path typed on Windows names the same file name here.
  return specPath.slice(Math.max(specPath.lastIndexOf('/'), specPath.lastIndexOf('\\')) + 1);
}
