/** OSCAL's names for what the SSP writer and the SSP reader both speak of. */

/** FedRAMP's OSCAL extension namespace (props implementation-status, control-origination...). */
export const FEDRAMP_NS = 'https://fedramp.gov/ns/oscal';

/** A control id in OSCAL's form: AC-2(4) -> ac-2.4. */
export const oscalControlId = (id: string): string => id.toLowerCase().replace(/\((\d+)\)/g, '.$1');
