export { emitQueryDsl, streamQueryDsl, type EntityRender, type EntityUnit, type QueryDslOptions, type QueryDslStream, type QueryDslStreamOptions } from './emit.js';
export { validateQueryDsl } from './validate.js';
export { DSL_KINDS, entityFiles, type DslKind } from './kinds.js';
export {
  DEFAULT_PROFILE,
  ENUM_NAMES,
  FRAMEWORK_NAMES,
  METHOD_NAMES,
  PROFILE_SCHEMA,
  checkProfile,
  mergeProfile,
  type EnumName,
  type FrameworkName,
  type FrameworkProfile,
  type FrameworkProfileOverrides,
  type MethodName,
  type ProfileProblem,
} from './profile.js';
