/**
 * Every request body of the Reports API (../shared/spec/reports-api.txt), copied verbatim as the
 * spec prints it. JSON is YAML, so each one is also a valid definition file as it stands; the
 * interop test checks these copies still equal the spec's text.
 */
export interface SpecBody {
  name: string;
  /** Where in the spec. */
  section: string;
  json: string;
  /** The kind Infracast must infer. */
  kind: 'Report' | 'Document' | 'Schedule';
}

export const SPEC_BODIES: SpecBody[] = [
  {
    name: 'generate-framework-nist',
    section: 'Generate a Report: Request Body',
    kind: 'Report',
    json: `{
"type": "framework",
"framework": "nist-800-53",
"format": "pdf",
"options": {
"include_remediation": true,
"include_evidence": false,
"severity_filter": ["CRITICAL", "HIGH", "MEDIUM"],
"title": "NIST 800-53 Compliance Report — Q1 2024"
}
}`,
  },
  {
    name: 'generate-framework-pci',
    section: 'Example Request (curl)',
    kind: 'Report',
    json: `{
"type": "framework",
"framework": "pci-dss",
"format": "pdf",
"options": {
"include_remediation": true,
"title": "PCI DSS v4.0 Compliance Report — March 2024",
"company_name": "Acme Corp",
"logo_url": "https://acme.com/logo.png"
}
}`,
  },
  {
    name: 'reports-pdf-executive',
    section: 'Download a PDF Report',
    kind: 'Report',
    json: `{
"type": "executive",
"format": "pdf"
}`,
  },
  {
    name: 'documents-ssp',
    section: 'Generate an SSP',
    kind: 'Document',
    json: `{
"type": "ssp",
"framework": "fedramp-high",
"format": "docx",
"options": {
"include_architecture_diagram": true,
"impact_level": "high",
"csp_name": "Acme Cloud Services LLC",
"system_name": "Acme Government Cloud Platform",
"system_id": "AGC-2024-001",
"cover_page": true,
"organization_logo": "https://acme.com/logo.png"
}
}`,
  },
  {
    name: 'documents-poam',
    section: 'Generate a POA&M',
    kind: 'Document',
    json: `{
"type": "poam",
"framework": "fedramp-high",
"format": "xlsx",
"options": {
"include_closed": false,
"include_risk_accepted": true,
"month": "2024-03"
}
}`,
  },
  {
    name: 'signed-soc2',
    section: 'Signed PDF Reports',
    kind: 'Report',
    json: `{
"type": "framework",
"framework": "soc2",
"format": "pdf",
"options": {
"signed": true,
"signer": "compliance@acme.com"
}
}`,
  },
  {
    name: 'schedule-weekly-executive',
    section: 'Schedule Reports',
    kind: 'Schedule',
    json: `{
"name": "Weekly Security Executive Summary",
"type": "executive",
"format": "pdf",
"frequency": "weekly",
"day": "monday",
"time": "07:00",
"timezone": "America/New_York",
"recipients": [
"ciso@company.com",
"security-board@company.com"
],
"options": {
"signed": true,
"include_trends": true
}
}`,
  },
  {
    name: 'far-52204-21',
    section: 'FAR 52.204-21',
    kind: 'Document',
    json: `{
"type": "far-dfars-compliance",
"report_subtype": "far-52204-21",
"format": "pdf",
"options": {
"company_name": "Acme Contracting LLC",
"cage_code": "1A2B3",
"uei": "ABCD1234EFGH",
"contract_numbers": ["W912DR-24-C-0001"],
"assessment_date": "2026-04-24",
"signed": true,
"certifying_official": "Jane Smith, CISO"
}
}`,
  },
  {
    name: 'dfars-252204-7012',
    section: 'DFARS 252.204-7012',
    kind: 'Document',
    json: `{
"type": "far-dfars-compliance",
"report_subtype": "dfars-252204-7012",
"format": "pdf",
"options": {
"company_name": "Acme Defense LLC",
"cage_code": "1A2B3",
"uei": "ABCD1234EFGH",
"contract_numbers": ["W912DR-24-D-0042"],
"assessment_date": "2026-04-24",
"include_sprs_score": true,
"include_poam": true,
"signed": true,
"certifying_official": "Jane Smith, CISO"
}
}`,
  },
];

/** The Python client example's call, as the body it sends. */
export const PYTHON_EXAMPLE_BODY = {
  type: 'framework',
  framework: 'nist-800-53',
  format: 'pdf',
  options: { title: 'Q1 2024 NIST Compliance Report', signed: true, include_remediation: true },
};
