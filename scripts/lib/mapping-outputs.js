// The data files scripts/build-mappings.js writes under src/catalogs/data (scripts/build-catalogs.js
// --check leaves them to it).
export const MAPPING_OUTPUTS = {
  securityHub: 'mappings/aws-securityhub-nist-800-53.json',
  crosswalk800171: 'crosswalks/nist-800-171-nist-800-53.json',
};
