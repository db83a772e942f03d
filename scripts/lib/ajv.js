// The one ajv configuration, shared by the build (precompiled validators) and the tests that
// compile schemas directly, so that both accept exactly the same documents.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const SCHEMA_ID_BASE = 'https://infracast.dev/schemas/v1/';

/** Editor-only keywords (VS Code / yaml-language-server) that ajv must tolerate in strict mode. */
export const EDITOR_KEYWORDS = ['patternErrorMessage', 'markdownDescription', 'errorMessage'];

export function createAjv(extra = {}) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true, ...extra });
  addFormats(ajv, ['date', 'date-time', 'email', 'uri']);
  for (const keyword of EDITOR_KEYWORDS) ajv.addKeyword({ keyword, schemaType: 'string' });
  return ajv;
}
