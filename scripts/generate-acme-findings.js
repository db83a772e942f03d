#!/usr/bin/env node
// Generates the scanner exports of the example workspace examples/acme/findings/ (Acme Corp,
// "Acme Government Cloud Platform"): the same shapes as the real exports in the project's fixture
// set (Security Hub ASFF, Prowler OCSF 1.4.0 JSON, Prowler CSV, Trivy SARIF 2.1.0) plus an
// Infracast native export, but with Acme's own accounts, resources, regions and dates.
//
// Deterministic: no clock, no Math.random. Every id, digest and date is derived from fixed data
// (sha256 of a key), so two runs write the same bytes. The figures the data is built to produce
// (counts, SPRS score) are documented in examples/acme/README.md; change both together.
//
//   node scripts/generate-acme-findings.js            write the files
//   node scripts/generate-acme-findings.js --check    exit 1 if a file differs from what would be written
//   node scripts/generate-acme-findings.js --out DIR  write elsewhere (e.g. a temp dir)
//
// Data sources (facts only, no files copied):
// - Prowler check -> NIST SP 800-171 rev2 / SP 800-53 rev5 requirement ids: Prowler's compliance
//   files nist_800_171_revision_2_aws.json and nist_800_53_revision_5_aws.json (prowler-cloud/prowler,
//   Apache-2.0), exactly as Prowler writes them into unmapped.compliance / the COMPLIANCE column.
// - Security Hub control ids, titles and severities follow the AWS Security Hub control reference;
//   RelatedRequirements lists are abridged.
// - CVE ids, packages and fixed versions are real advisories (NVD / GitHub Advisory Database /
//   distribution trackers); scores are CVSS v3.1 base scores as Trivy reports them. Descriptions
//   are short summaries written for this example.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------
// Deterministic helpers
// ---------------------------------------------------------------------------------------------

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
/** A UUID-shaped id derived from a key (version nibble 4, variant 8..b), stable across runs. */
function uuidOf(key) {
  const h = sha256(`uuid:${key}`);
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
/** An integer in [0, n) derived from a key. */
const intOf = (key, n) => parseInt(sha256(`int:${key}`).slice(0, 8), 16) % n;
const hexOf = (key, len) => sha256(`hex:${key}`).slice(0, len);
const DAY = 86400000;
/** ISO instant (milliseconds, Z) at a day offset from a base, plus a key-derived time of day. */
function instant(baseDate, dayOffset, key, withMillis = true) {
  const ms = Date.parse(`${baseDate}T00:00:00Z`) + dayOffset * DAY + intOf(`tod:${key}`, 10 * 3600) * 1000 + 7 * 3600 * 1000 + intOf(`ms:${key}`, 1000);
  const iso = new Date(ms).toISOString();
  return withMillis ? iso : iso.replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------------------------------------
// Acme's estate
// ---------------------------------------------------------------------------------------------

const PROD = { id: '284715930621', name: 'acme-agc-prod', email: 'aws-agc-prod@acme.com', env: 'prod' };
const SHARED = { id: '593016284770', name: 'acme-shared-services', email: 'aws-shared-services@acme.com', env: 'shared' };
const ORG = { id: 'o-7xk2m9q4pd', name: 'Acme Corp' };
const USE1 = 'us-east-1';
const USW2 = 'us-west-2';

/** Teams and their owners (resource tags team / owner). */
const TEAM = {
  platform: 'priya.raman',
  data: 'marcus.chen',
  sre: 'dev.patel',
  web: 'tomas.herrera',
  identity: 'elena.okafor',
  secops: 'grace.liu',
  appsec: 'aisha.bello',
  it: 'sam.nguyen',
};
const tagsOf = (team, account, extra = {}) => ({ environment: account.env, team, owner: TEAM[team], ...extra });

const PROWLER_VERSION = '5.16.1';
const OCSF_SCAN = '2026-11-26T05:14:09.482117'; // prod account scan (OCSF JSON)
const CSV_SCAN = '2026-11-25 04:22:51.208734'; // shared-services account scan (CSV)
const SECURITYHUB_EXPORT_DAY = '2026-11-26';
const TRIVY_VERSION = '0.67.2';
const NATIVE_GENERATED_AT = '2026-11-27T06:00:00Z';

// ---------------------------------------------------------------------------------------------
// Prowler checks: metadata (summarised) and the requirement ids Prowler's own compliance files
// attach to each check (n171 = NIST-800-171-Revision-2, n53 = NIST-800-53-Revision-5).
// ---------------------------------------------------------------------------------------------

const PROWLER_COMPLIANCE = {
  iam_root_mfa_enabled: {
    n171: '3_1_1 3_1_2 3_5_2 3_5_3',
    n53: 'ac_2_1 ac_3_2 ac_3_3 ac_3_3_a ac_3_3_b_1 ac_3_3_b_2 ac_3_3_b_3 ac_3_3_b_4 ac_3_3_b_5 ac_3_3_c ac_3_4 ac_3_4_a ac_3_4_b ac_3_4_c ac_3_4_d ac_3_4_e ac_3_8 ac_3_12_a ac_3_13 ac_3_15_a ac_3_15_b ac_4_28 ac_7_4 ac_7_4_a ac_24 cm_6_a cm_9_b ia_2_1 ia_2_2 ia_2_6 ia_2_6_a ia_2_8 sc_23_3',
  },
  iam_root_hardware_mfa_enabled: {
    n171: '3_1_1 3_1_2 3_5_3',
    n53: 'ac_2_1 ac_3_2 ac_3_3 ac_3_3_a ac_3_3_b_1 ac_3_3_b_2 ac_3_3_b_3 ac_3_3_b_4 ac_3_3_b_5 ac_3_3_c ac_3_4 ac_3_4_a ac_3_4_b ac_3_4_c ac_3_4_d ac_3_4_e ac_3_8 ac_3_12_a ac_3_13 ac_3_15_a ac_3_15_b ac_4_28 ac_7_4 ac_7_4_a ac_24 cm_5_1_a cm_6_a cm_9_b ia_2_1 ia_2_2 ia_2_6 ia_2_6_a ia_2_8 sc_23_3',
  },
  iam_no_root_access_key: {
    n171: '3_1_1 3_1_2 3_1_4 3_1_5 3_1_6 3_1_7 3_4_6',
    n53: 'ac_2_1 ac_2_6 ac_3_3 ac_3_3_a ac_3_3_b_1 ac_3_3_b_2 ac_3_3_b_3 ac_3_3_b_4 ac_3_3_b_5 ac_3_3_c ac_3_4 ac_3_4_a ac_3_4_b ac_3_4_c ac_3_4_d ac_3_4_e ac_3_7 ac_3_8 ac_3_12_a ac_3_13 ac_3_15_a ac_3_15_b ac_4_28 ac_6 ac_6_2 ac_6_10 ac_24 cm_5_1_a cm_6_a cm_9_b ia_2 ia_4_b ia_4_4 ia_4_8 ia_5_8 mp_2 sc_23_3 sc_25',
  },
  iam_password_policy_minimum_length_14: {
    n171: '3_5_7',
    n53: 'ac_2_1 ac_2_3_a ac_2_3_b ac_2_3_c ac_2_3_d ac_2_3 ac_2_d_1 ac_3_3 ac_3_3_a ac_3_3_b_1 ac_3_3_b_2 ac_3_3_b_3 ac_3_3_b_4 ac_3_3_b_5 ac_3_3_c ac_3_4 ac_3_4_a ac_3_4_b ac_3_4_c ac_3_4_d ac_3_4_e ac_3_8 ac_3_12_a ac_3_13 ac_3_15_a ac_3_15_b ac_4_28 ac_7_4 ac_7_4_a ac_24 cm_5_1_a cm_6_a cm_9_b cm_12_b ia_4_d ia_5 ia_5_b ia_5_c ia_5_d ia_5_f ia_5_h ia_5_1_f ia_5_1_g ia_5_1_h ia_5_18_a ia_5_18_b ia_8_2_b ma_4_c sc_23_3',
  },
  iam_password_policy_reuse_24: { n171: '3_5_5 3_5_6 3_5_7 3_5_8' },
  iam_user_mfa_enabled_console_access: {
    n171: '3_1_1 3_1_2 3_1_14 3_5_2 3_5_3',
    n53: 'ac_2_1 ac_3_2 ac_3_3 ac_3_3_a ac_3_3_b_1 ac_3_3_b_2 ac_3_3_b_3 ac_3_3_b_4 ac_3_3_b_5 ac_3_3_c ac_3_4 ac_3_4_a ac_3_4_b ac_3_4_c ac_3_4_d ac_3_4_e ac_3_8 ac_3_12_a ac_3_13 ac_3_15_a ac_3_15_b ac_4_28 ac_7_4 ac_7_4_a ac_24 cm_5_1_a cm_6_a cm_9_b ia_2_1 ia_2_2 ia_2_6 ia_2_6_a ia_2_8 sc_23_3',
  },
  iam_policy_attached_only_to_group_or_roles: {
    n171: '3_4_6',
    n53: 'ac_2_1 ac_2_6 ac_2_i_2 ac_3 ac_3_3 ac_3_3_a ac_3_3_b_1 ac_3_3_b_2 ac_3_3_b_3 ac_3_3_b_4 ac_3_3_b_5 ac_3_3_c ac_3_4 ac_3_4_a ac_3_4_b ac_3_4_c ac_3_4_d ac_3_4_e ac_3_7 ac_3_8 ac_3_12_a ac_3_13 ac_3_15_a ac_3_15_b ac_4_28 ac_6 ac_6_3 ac_24 cm_5_1_a cm_6_a cm_9_b mp_2 sc_23_3',
  },
  iam_rotate_access_key_90_days: {
    n53: 'ac_2_1 ac_3_3 ac_3_3_a ac_3_3_b_1 ac_3_3_b_2 ac_3_3_b_3 ac_3_3_b_4 ac_3_3_b_5 ac_3_3_c ac_3_4 ac_3_4_a ac_3_4_b ac_3_4_c ac_3_4_d ac_3_4_e ac_3_8 ac_3_12_a ac_3_13 ac_3_15_a ac_3_15_b ac_4_28 ac_24 cm_5_1_a cm_6_a cm_9_b sc_23_3',
  },
  iam_user_accesskey_unused: {
    n171: '3_1_1 3_1_2 3_1_4 3_1_5 3_5_6 3_5_7 3_5_8',
    n53: 'ac_2_1 ac_2_3_a ac_2_3_b ac_2_3_c ac_2_3_d ac_2_3 ac_2_6 ac_2_g ac_2_j ac_3 ac_3_3 ac_3_3_a ac_3_3_b_1 ac_3_3_b_2 ac_3_3_b_3 ac_3_3_b_4 ac_3_3_b_5 ac_3_3_c ac_3_4 ac_3_4_a ac_3_4_b ac_3_4_c ac_3_4_d ac_3_4_e ac_3_7 ac_3_8 ac_3_12_a ac_3_13 ac_3_15_a ac_3_15_b ac_4_28 ac_6 ac_24 cm_5_1_a cm_6_a cm_9_b mp_2 sc_23_3',
  },
  s3_bucket_default_encryption: {
    n171: '3_3_8 3_5_10 3_13_11 3_13_16',
    n53: 'au_9_3 cm_6_a cm_9_b cp_9_d cp_9_8 pm_11_b sc_8_3 sc_8_4 sc_13_a sc_16_1 sc_28_1 si_19_4',
  },
  s3_bucket_secure_transport_policy: {
    n171: '3_1_13 3_5_10 3_13_1 3_13_5 3_13_8 3_13_11 3_13_16',
    n53: 'ac_4 ac_4_22 ac_17_2 ac_24_1 au_9_3 ca_9_b cm_6_a cm_9_b ia_5_1_c pm_11_b pm_17_b sc_7_4_b sc_7_4_g sc_7_5 sc_8 sc_8_1 sc_8_2 sc_8_3 sc_8_4 sc_8_5 sc_13_a sc_16_1 sc_23 si_1_a_2',
  },
  s3_bucket_public_access: {
    n171: '3_1_1 3_1_2 3_1_3 3_3_8 3_4_6 3_13_2 3_13_5',
    n53: 'ac_2_6 ac_3 ac_3_7 ac_4_21 ac_6 ac_17_b ac_17_1 ac_17_4_a ac_17_9 ac_17_10 cm_6_a cm_9_b mp_2 sc_7_2 sc_7_3 sc_7_7 sc_7_9_a sc_7_11 sc_7_12 sc_7_16 sc_7_20 sc_7_21 sc_7_24_b sc_7_25 sc_7_26 sc_7_27 sc_7_28 sc_7_a sc_7_b sc_7_c sc_25',
  },
  s3_bucket_object_versioning: {
    n171: '3_3_8',
    n53: 'au_9_2 cp_1_2 cp_2_5 cp_6_a cp_6_1 cp_6_2 cp_9_a cp_9_b cp_9_c cp_10 cp_10_2 pm_11_b pm_17_b sc_5_2 sc_16_1 si_1_a_2 si_13_5',
  },
  s3_account_level_public_access_blocks: {
    n171: '3_1_1 3_1_2 3_1_3 3_1_14 3_1_20 3_3_8 3_4_6 3_13_2 3_13_5',
    n53: 'ac_2_6 ac_3 ac_3_7 ac_4_21 ac_6 ac_17_b ac_17_1 ac_17_4_a ac_17_9 ac_17_10 cm_6_a cm_9_b mp_2 sc_7_2 sc_7_3 sc_7_7 sc_7_9_a sc_7_11 sc_7_12 sc_7_16 sc_7_20 sc_7_21 sc_7_24_b sc_7_25 sc_7_26 sc_7_27 sc_7_28 sc_7_a sc_7_b sc_7_c sc_25',
  },
  rds_instance_storage_encrypted: { n171: '3_13_11 3_13_16', n53: 'au_9_3 cp_9_d cp_9_8 sc_8_3 sc_8_4 sc_13_a sc_28_1 si_19_4' },
  rds_instance_no_public_access: {
    n171: '3_1_1 3_1_2 3_1_3 3_1_14 3_13_1 3_13_2 3_13_5',
    n53: 'ac_2_6 ac_3 ac_3_7 ac_4_21 ac_6 ac_17_b ac_17_1 ac_17_4_a ac_17_9 ac_17_10 mp_2 sc_7_2 sc_7_3 sc_7_7 sc_7_9_a sc_7_11 sc_7_12 sc_7_16 sc_7_20 sc_7_21 sc_7_24_b sc_7_25 sc_7_26 sc_7_27 sc_7_28 sc_7_a sc_7_b sc_7_c sc_25',
  },
  rds_instance_backup_enabled: { n171: '3_13_2', n53: 'cp_1_2 cp_2_5 cp_6_a cp_6_1 cp_6_2 cp_9_a cp_9_b cp_9_c cp_10 cp_10_2 sc_5_2 si_13_5' },
  rds_instance_multi_az: {
    n171: '3_13_2',
    n53: 'cp_1_a_1_b cp_1_a_2 cp_2_a cp_2_a_6 cp_2_a_7 cp_2_d cp_2_e cp_2_5 cp_2_6 cp_6_2 cp_10 sc_5_2 sc_6 sc_22 sc_36 si_13_5',
  },
  rds_instance_deletion_protection: { n53: 'ca_7_4_c cm_3_a cp_1_a_1_b cp_1_a_2 cp_2_a cp_2_a_6 cp_2_a_7 cp_2_d cp_2_e cp_2_5 sa_15_a_4 sc_5_2 sc_22 si_13_5' },
  rds_instance_enhanced_monitoring_enabled: { n171: '3_12_4', n53: 'au_12_3 au_14_a au_14_b ca_2_2 ca_7 ca_7_b pm_14_a_1 pm_14_b pm_31 sc_36_1_a si_2_a' },
  rds_instance_integration_cloudwatch_logs: {
    n171: '3_1_12 3_3_1 3_3_2 3_3_3 3_6_1 3_6_2 3_13_1 3_13_2 3_14_6 3_14_7',
    n53: 'ac_2_4 ac_3_1 ac_3_10 ac_4_26 ac_6_9 au_2_b au_3_a au_3_b au_3_c au_3_d au_3_e au_3_f au_6_3 au_6_4 au_6_6 au_6_9 au_8_b au_10 au_12_a au_12_c au_12_1 au_12_2 au_12_3 au_12_4 au_14_a au_14_b au_14_3 ca_7_b cm_5_1_b ia_3_3_b ma_4_1_a pm_14_a_1 pm_14_b pm_31 sc_7_9_b si_1_1_c si_3_8_b si_4_2 si_4_17 si_4_20 si_7_8 si_10_1_c',
  },
  dynamodb_tables_pitr_enabled: { n171: '3_13_2', n53: 'cp_1_2 cp_2_5 cp_6_2 cp_9_a cp_9_b cp_9_c cp_10 cp_10_2 sc_5_2 si_13_5' },
  dynamodb_tables_kms_cmk_encryption_enabled: { n171: '3_13_11 3_13_16', n53: 'au_9_3 sc_8_3 sc_8_4 sc_13_a sc_28_1 si_19_4' },
  ec2_instance_imdsv2_enabled: {
    n171: '3_12_4',
    n53: 'ac_2_6 ac_3 ac_3_3 ac_3_3_a ac_3_3_b_1 ac_3_3_b_2 ac_3_3_b_3 ac_3_3_b_4 ac_3_3_b_5 ac_3_3_c ac_3_4 ac_3_4_a ac_3_4_b ac_3_4_c ac_3_4_d ac_3_4_e ac_3_7 ac_3_8 ac_3_12_a ac_3_13 ac_3_15_a ac_3_15_b ac_4_28 ac_6 ac_24 cm_5_1_a mp_2 sc_23_3',
  },
  ec2_instance_public_ip: {
    n171: '3_1_1 3_1_2 3_1_3 3_1_14 3_13_2 3_13_5',
    n53: 'ac_2_6 ac_3 ac_3_7 ac_4_21 ac_6 ac_17_b ac_17_1 ac_17_4_a ac_17_9 ac_17_10 mp_2 sc_7_2 sc_7_3 sc_7_7 sc_7_9_a sc_7_11 sc_7_12 sc_7_16 sc_7_20 sc_7_21 sc_7_24_b sc_7_25 sc_7_26 sc_7_27 sc_7_28 sc_7_a sc_7_b sc_7_c sc_25',
  },
  ec2_instance_managed_by_ssm: {
    n171: '3_4_1 3_4_2 3_4_6 3_4_9 3_14_2',
    n53: 'cm_2_a cm_2_b cm_2_b_1 cm_2_b_2 cm_2_b_3 cm_2_2 cm_3_3 cm_6 cm_8_1 cm_8_2 cm_8_3_a cm_8_6 cm_8_a cm_8_a_1 cm_8_a_2 cm_8_a_3 cm_8_a_4 cm_8_a_5 cm_8_b si_3_c_2',
  },
  ec2_instance_profile_attached: { n171: '3_1_1 3_1_2', n53: 'ac_3 cm_5_1_a cm_6_a' },
  ec2_ebs_volume_encryption: { n171: '3_5_10 3_13_11 3_13_16', n53: 'au_9_3 cm_6_a cm_9_b cp_9_d sc_8_3 sc_8_4 sc_13_a sc_28_1 si_19_4' },
  ec2_ebs_default_encryption: { n53: 'au_9_3 cm_6_a cm_9_b cp_9_d sc_8_3 sc_8_4 sc_13_a sc_28_1 si_19_4' },
  ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22: {
    n171: '3_1_1 3_1_2 3_1_3 3_1_14 3_1_20 3_4_7 3_13_1 3_13_2 3_13_5 3_13_6',
    n53: 'ac_17_b ac_17_1 ac_17_9 ac_17_10 cm_9_b sc_7_7 sc_7_11 sc_7_12 sc_7_16 sc_7_21 sc_7_24_b sc_7_25 sc_7_26 sc_7_27 sc_7_28 sc_7_a sc_7_c',
  },
  ec2_securitygroup_default_restrict_traffic: {
    n171: '3_1_1 3_1_2 3_1_3 3_1_14 3_1_20 3_4_6 3_4_7 3_13_2 3_13_5',
    n53: 'ac_4_21 ac_17_b ac_17_1 ac_17_4_a ac_17_9 ac_17_10 cm_6_a cm_9_b sc_7_5 sc_7_7 sc_7_11 sc_7_12 sc_7_16 sc_7_21 sc_7_24_b sc_7_25 sc_7_26 sc_7_27 sc_7_28 sc_7_a sc_7_c',
  },
  ec2_networkacl_allow_ingress_any_port: {
    n171: '3_1_1 3_1_2 3_1_3 3_1_14 3_1_20 3_4_1 3_4_7 3_13_1 3_13_2 3_13_5 3_13_6',
    n53: 'ac_4_21 ac_17_b ac_17_1 ac_17_4_a ac_17_9 ac_17_10 cm_2_a cm_2_2 cm_6_a cm_7_b cm_8_6 cm_9_b sc_7_5 sc_7_7 sc_7_11 sc_7_12 sc_7_16 sc_7_21 sc_7_24_b sc_7_25 sc_7_26 sc_7_27 sc_7_28 sc_7_a sc_7_c',
  },
  eks_cluster_not_publicly_accessible: { n171: '3_1_1 3_1_2 3_1_3' },
  elbv2_insecure_ssl_ciphers: { n171: '3_5_10', n53: 'sc_8_1 sc_23_5' },
  elbv2_logging_enabled: {
    n171: '3_1_12 3_3_1 3_13_1 3_14_6 3_14_7',
    n53: 'ac_4_26 au_2_b au_3_a au_3_b au_3_c au_3_d au_3_e au_3_f au_6_3 au_6_4 au_6_6 au_6_9 au_8_b au_10 au_12_a au_12_c au_12_1 au_12_2 au_12_3 au_12_4 au_14_a au_14_b au_14_3 ca_7_b cm_5_1_b ia_3_3_b ma_4_1_a pm_14_a_1 pm_14_b pm_31 sc_7_9_b si_4_17 si_7_8',
  },
  elbv2_waf_acl_attached: { n171: '3_13_1 3_13_5', n53: 'ac_4_21' },
  elbv2_deletion_protection: {
    n171: '3_4_1 3_13_2',
    n53: 'ca_7_4_c cm_2_a cm_2_2 cm_3_a cm_8_6 cp_1_a_1_b cp_1_a_2 cp_2_a cp_2_a_6 cp_2_a_7 cp_2_d cp_2_e cp_2_5 sa_15_a_4 sc_5_2 sc_22',
  },
  cloudtrail_multi_region_enabled: {
    n171: '3_1_12 3_3_1 3_3_2 3_3_3 3_4_1 3_6_1 3_6_2 3_13_1 3_13_2 3_14_6 3_14_7',
    n53: 'ac_2_4 ac_3_1 ac_3_10 ac_4_26 ac_6_9 au_2_b au_3_1 au_3_a au_3_b au_3_c au_3_d au_3_e au_3_f au_6_3 au_6_4 au_6_6 au_6_9 au_8_b au_10 au_12_a au_12_c au_12_1 au_12_2 au_12_3 au_12_4 au_14_a au_14_b au_14_3 ca_7_b cm_5_1_b cm_6_a cm_9_b ia_3_3_b ma_4_1_a pm_14_a_1 pm_14_b pm_31 sc_7_9_b si_1_1_c si_3_8_b si_4_2 si_4_17 si_4_20 si_7_8 si_10_1_c',
  },
  cloudtrail_log_file_validation_enabled: {
    n171: '3_3_8 3_13_1',
    n53: 'au_9_a cm_6_a cm_9_b pm_11_b pm_17_b sa_1_1 sa_10_1 sc_16_1 si_1_a_2 si_4_d si_7_1 si_7_3 si_7_7 si_7_a',
  },
  cloudtrail_kms_encryption_enabled: { n171: '3_3_8 3_13_11 3_13_16', n53: 'au_9_3 cm_6_a cm_9_b cp_9_d sc_8_3 sc_8_4 sc_13_a sc_28_1 si_19_4' },
  cloudtrail_cloudwatch_logging_enabled: {
    n171: '3_3_1 3_3_2 3_3_3 3_3_5 3_6_1 3_6_2 3_12_4',
    n53: 'ac_2_4 ac_3_1 ac_3_10 ac_4_26 ac_6_9 au_2_b au_3_a au_3_b au_3_c au_3_d au_3_e au_3_f au_4_1 au_6_1 au_6_3 au_6_4 au_6_5 au_6_6 au_6_9 au_7_1 au_8_b au_9_7 au_10 au_12_a au_12_c au_12_1 au_12_2 au_12_3 au_12_4 au_14_a au_14_b au_14_3 au_16 ca_7_b cm_5_1_b cm_6_a cm_9_b ia_3_3_b ma_4_1_a pm_14_a_1 pm_14_b pm_31 sc_7_9_b si_1_1_c si_3_8_b si_4_2 si_4_17 si_4_20 si_7_8 si_10_1_c',
  },
  cloudtrail_s3_dataevents_read_enabled: {
    n171: '3_1_12 3_3_1 3_3_2 3_3_3 3_13_1 3_14_6 3_14_7',
    n53: 'ac_2_4 ac_3_1 ac_3_10 ac_4_26 ac_6_9 au_2_b au_3_a au_3_b au_3_c au_3_d au_3_e au_3_f au_6_3 au_6_4 au_6_6 au_6_9 au_8_b au_10 au_12_a au_12_c au_12_1 au_12_2 au_12_3 au_12_4 au_14_a au_14_b au_14_3 ca_7_b cm_5_1_b cm_6_a cm_9_b ia_3_3_b ma_4_1_a pm_14_a_1 pm_14_b pm_31 sc_7_9_b si_1_1_c si_3_8_b si_4_2 si_4_17 si_4_20 si_7_8 si_10_1_c',
  },
  cloudtrail_s3_dataevents_write_enabled: {
    n171: '3_1_12 3_3_1 3_3_2 3_3_3 3_13_1 3_14_6 3_14_7',
    n53: 'ac_2_4 ac_3_1 ac_3_10 ac_4_26 ac_6_9 au_2_b au_3_a au_3_b au_3_c au_3_d au_3_e au_3_f au_6_3 au_6_4 au_6_6 au_6_9 au_8_b au_10 au_12_a au_12_c au_12_1 au_12_2 au_12_3 au_12_4 au_14_a au_14_b au_14_3 ca_7_b cm_5_1_b cm_6_a cm_9_b ia_3_3_b ma_4_1_a pm_14_a_1 pm_14_b pm_31 sc_7_9_b si_1_1_c si_3_8_b si_4_2 si_4_17 si_4_20 si_7_8 si_10_1_c',
  },
  cloudwatch_log_group_kms_encryption_enabled: { n171: '3_3_8 3_13_11 3_13_16', n53: 'au_9_3 cp_9_d sc_8_3 sc_8_4 sc_13_a sc_28_1 si_19_4' },
  cloudwatch_log_group_retention_policy_specific_days_enabled: {
    n171: '3_3_1 3_6_1 3_6_2',
    n53: 'ac_16_b au_6_3 au_6_4 au_6_6 au_6_9 au_10 au_11 au_11_1 au_12_1 au_12_2 au_12_3 au_14_a au_14_b ca_7_b pm_14_a_1 pm_14_b pm_21_b pm_31 sc_28_2 si_4_17 si_12',
  },
  cloudwatch_changes_to_network_acls_alarm_configured: {
    n171: '3_6_1 3_6_2 3_12_4',
    n53: 'au_6_1 au_6_5 au_12_3 au_14_a au_14_b ca_2_2 ca_7 ca_7_b pm_14_a_1 pm_14_b pm_31 sc_36_1_a si_2_a si_4_12 si_5_1 si_5_b',
  },
  cloudwatch_changes_to_network_gateways_alarm_configured: {
    n171: '3_6_1 3_6_2 3_12_4',
    n53: 'au_6_1 au_6_5 au_12_3 au_14_a au_14_b ca_2_2 ca_7 ca_7_b pm_14_a_1 pm_14_b pm_31 sc_36_1_a si_2_a si_4_12 si_5_1 si_5_b',
  },
  cloudwatch_changes_to_network_route_tables_alarm_configured: {
    n171: '3_6_1 3_6_2 3_12_4',
    n53: 'au_6_1 au_6_5 au_12_3 au_14_a au_14_b ca_2_2 ca_7 ca_7_b pm_14_a_1 pm_14_b pm_31 sc_36_1_a si_2_a si_4_12 si_5_1 si_5_b',
  },
  cloudwatch_changes_to_vpcs_alarm_configured: {
    n171: '3_6_1 3_6_2 3_12_4',
    n53: 'au_6_1 au_6_5 au_12_3 au_14_a au_14_b ca_2_2 ca_7 ca_7_b pm_14_a_1 pm_14_b pm_31 sc_36_1_a si_2_a si_4_12 si_5_1 si_5_b',
  },
  kms_cmk_rotation_enabled: { n53: 'cm_6_a cm_9_b sa_9_6 sc_12 sc_12_2 sc_12_6' },
  secretsmanager_automatic_rotation_enabled: {
    n53: 'ac_2_1 ac_3_3 ac_3_3_a ac_3_3_b_1 ac_3_3_b_2 ac_3_3_b_3 ac_3_3_b_4 ac_3_3_b_5 ac_3_3_c ac_3_4 ac_3_4_a ac_3_4_b ac_3_4_c ac_3_4_d ac_3_4_e ac_3_8 ac_3_12_a ac_3_13 ac_3_15_a ac_3_15_b ac_4_28 ac_24 cm_5_1_a sc_23_3',
  },
  guardduty_is_enabled: {
    n171: '3_1_12 3_3_1 3_3_2 3_3_4 3_3_5 3_6_1 3_6_2 3_11_2 3_11_3 3_12_4 3_13_1 3_14_1 3_14_2 3_14_3 3_14_4 3_14_6 3_14_7',
    n53: 'ac_2_12_a ac_3_12_b au_3_1 au_6_1 au_6_5 au_12_3 au_14_a au_14_b ca_2_d ca_7 ca_7_b cm_8_3_a pe_6_2 pe_6_4 pm_14_a_1 pm_14_b pm_16 pm_31 ra_1_a ra_1_a_1 ra_1_a_2 ra_3_4 ra_3_a_1 ra_5_a ra_5_4 ra_10_a ra_10_a_1 ra_10_a_2 sc_5_1 sc_5_3_a sc_5_3_b sc_5_a sc_5_b sc_43_b si_3_8_a si_4_a si_4_a_1 si_4_a_2 si_4_b si_4_c si_4_1 si_4_2 si_4_3 si_4_4_a si_4_4_b si_4_10 si_4_13_a si_4_14 si_4_23 si_4_25 si_5_1 si_5_b',
  },
  securityhub_enabled: {
    n171: '3_1_12 3_3_1 3_3_4 3_3_5 3_6_1 3_6_2 3_11_2 3_11_3 3_12_4 3_13_1 3_14_1 3_14_2 3_14_3 3_14_6 3_14_7',
    n53: 'au_6_1 au_6_5 au_12_3 au_14_a au_14_b ca_2_d ca_7 ca_7_b pm_14_a_1 pm_14_b pm_31',
  },
  vpc_flow_logs_enabled: {
    n171: '3_3_1 3_3_3 3_6_1 3_6_2 3_13_1 3_14_6 3_14_7',
    n53: 'ac_4_26 au_2_b au_3_a au_3_b au_3_c au_3_d au_3_e au_6_3 au_6_4 au_6_6 au_6_9 au_8_b au_12_a au_12_c au_12_1 au_12_2 au_12_3 au_12_4 au_14_a au_14_b au_14_3 ca_7_b cm_5_1_b cm_6_a cm_9_b ia_3_3_b ma_4_1_a pm_14_a_1 pm_14_b pm_31 si_4_17 si_7_8',
  },
  awslambda_function_not_publicly_accessible: {
    n171: '3_1_1 3_1_2 3_1_3 3_1_14 3_13_1 3_13_2 3_13_5',
    n53: 'ac_2_6 ac_3 ac_3_7 ac_4_21 ac_6 ac_17_b ac_17_1 ac_17_4_a ac_17_9 ac_17_10 mp_2 sc_7_2 sc_7_3 sc_7_9_a sc_7_11 sc_7_12 sc_7_16 sc_7_20 sc_7_21 sc_7_24_b sc_7_a sc_7_b sc_7_c sc_25',
  },
  awslambda_function_url_public: {
    n171: '3_1_1 3_1_2 3_1_3 3_1_14 3_4_6 3_13_2 3_13_5',
    n53: 'ac_2_6 ac_3 ac_3_7 ac_4_21 ac_6 ac_17_b ac_17_1 ac_17_4_a ac_17_9 ac_17_10 mp_2 sc_7_2 sc_7_3 sc_7_7 sc_7_9_a sc_7_11 sc_7_12 sc_7_16 sc_7_20 sc_7_21 sc_7_24_b sc_7_25 sc_7_26 sc_7_27 sc_7_28 sc_7_a sc_7_b sc_7_c sc_25',
  },
  accessanalyzer_enabled: {},
  account_maintain_current_contact_details: {},
  account_security_contact_information_is_registered: {},
  account_security_questions_are_registered_in_the_aws_account: {},
  ecr_repositories_scan_vulnerabilities_in_latest_image: {},
  ecr_registry_scan_images_on_push_enabled: {},
};
/** Other frameworks Prowler lists for a few checks (values as in Prowler's published example output). */
const PROWLER_EXTRA_COMPLIANCE = {
  accessanalyzer_enabled: { 'CIS-3.0': ['1.20'] },
  account_maintain_current_contact_details: { 'CIS-3.0': ['1.1'] },
  account_security_contact_information_is_registered: { 'CIS-3.0': ['1.2'] },
  account_security_questions_are_registered_in_the_aws_account: { 'CIS-3.0': ['1.3'] },
};

/** Prowler's compliance dict for a check: framework -> requirement ids. */
function prowlerCompliance(check) {
  const c = PROWLER_COMPLIANCE[check] ?? {};
  const out = {};
  if (c.n171) out['NIST-800-171-Revision-2'] = c.n171.split(' ');
  if (c.n53) out['NIST-800-53-Revision-5'] = c.n53.split(' ');
  return { ...out, ...(PROWLER_EXTRA_COMPLIANCE[check] ?? {}) };
}

const CT_BEST = ['Software and Configuration Checks/AWS Security Best Practices'];
const CT_CIS = ['Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark'];
const CT_DATA = ['Software and Configuration Checks/AWS Security Best Practices', 'Effects/Data Exposure'];

/**
 * Check metadata. sev: Prowler severity; type: ResourceType; svc: ServiceName; desc/risk/rec:
 * description, risk and recommendation (short summaries); cli: remediation command when one exists.
 */
const CHECKS = {
  iam_root_mfa_enabled: {
    title: 'Ensure MFA is enabled for the root account',
    sev: 'critical',
    svc: 'iam',
    type: 'AwsIamUser',
    ct: CT_CIS,
    desc: 'Checks that the account root user has a multi-factor authentication device.',
    risk: 'A root user protected by a password alone can be taken over with one stolen credential and then controls every resource in the account.',
    rec: 'Enable a hardware MFA device for the root user and keep it in the break-glass safe.',
    cli: '',
  },
  iam_root_hardware_mfa_enabled: {
    title: 'Ensure hardware MFA is enabled for the root account',
    sev: 'critical',
    svc: 'iam',
    type: 'AwsIamUser',
    ct: CT_CIS,
    desc: 'Checks that the root user MFA device is a hardware device rather than a virtual one.',
    risk: 'Virtual MFA seeds live on phones that can be lost, cloned or backed up to personal clouds.',
    rec: 'Register a FIDO2 or TOTP hardware token for the root user and remove the virtual device.',
    cli: '',
  },
  iam_no_root_access_key: {
    title: 'Ensure no root account access key exists',
    sev: 'critical',
    svc: 'iam',
    type: 'AwsIamUser',
    ct: CT_CIS,
    desc: 'Checks that the root user has no access keys.',
    risk: 'Root access keys give unrestricted programmatic access and cannot be limited by IAM policies.',
    rec: 'Delete root access keys and use IAM roles for automation.',
    cli: 'aws iam delete-access-key --access-key-id <ACCESS_KEY_ID>',
  },
  iam_password_policy_minimum_length_14: {
    title: 'Ensure IAM password policy requires minimum length of 14 or greater',
    sev: 'medium',
    svc: 'iam',
    type: 'AwsAccount',
    ct: CT_CIS,
    desc: 'Checks that the account password policy requires at least 14 characters.',
    risk: 'Short passwords are easier to guess or crack offline.',
    rec: 'Set MinimumPasswordLength to 14 or more in the account password policy.',
    cli: 'aws iam update-account-password-policy --minimum-password-length 14',
  },
  iam_password_policy_reuse_24: {
    title: 'Ensure IAM password policy prevents password reuse: 24 or greater',
    sev: 'medium',
    svc: 'iam',
    type: 'AwsAccount',
    ct: CT_CIS,
    desc: 'Checks that the password policy remembers at least the last 24 passwords.',
    risk: 'Reused passwords keep compromised credentials valid.',
    rec: 'Set PasswordReusePrevention to 24.',
    cli: 'aws iam update-account-password-policy --password-reuse-prevention 24',
  },
  iam_user_mfa_enabled_console_access: {
    title: 'Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password',
    sev: 'high',
    svc: 'iam',
    type: 'AwsIamUser',
    ct: CT_CIS,
    desc: 'Checks that every IAM user with a console password has an MFA device.',
    risk: 'Console users without MFA can be taken over with a phished password.',
    rec: 'Require MFA for every IAM user with console access, or remove the console password.',
    cli: '',
  },
  iam_policy_attached_only_to_group_or_roles: {
    title: 'Ensure IAM policies are attached only to groups or roles',
    sev: 'low',
    svc: 'iam',
    type: 'AwsIamUser',
    ct: CT_CIS,
    desc: 'Checks that IAM users receive permissions only through groups or roles, not directly attached or inline policies.',
    risk: 'Permissions attached to individual users are hard to review and tend to outlive their purpose.',
    rec: 'Move user policies to groups or roles and detach them from the user.',
    cli: 'aws iam detach-user-policy --user-name <USER> --policy-arn <POLICY_ARN>',
  },
  iam_rotate_access_key_90_days: {
    title: 'Ensure access keys are rotated every 90 days or less',
    sev: 'medium',
    svc: 'iam',
    type: 'AwsIamUser',
    ct: CT_CIS,
    desc: 'Checks the age of active IAM user access keys.',
    risk: 'Long-lived keys widen the window in which a leaked key can be used.',
    rec: 'Rotate access keys at least every 90 days, or replace them with roles and short-lived credentials.',
    cli: 'aws iam create-access-key --user-name <USER>',
  },
  iam_user_accesskey_unused: {
    title: 'Ensure unused user access keys are disabled',
    sev: 'medium',
    svc: 'iam',
    type: 'AwsIamUser',
    ct: CT_CIS,
    desc: 'Checks for active access keys not used within the configured number of days (45).',
    risk: 'Unused keys are credentials nobody watches.',
    rec: 'Deactivate and delete access keys not used for 45 days.',
    cli: 'aws iam update-access-key --access-key-id <KEY> --status Inactive --user-name <USER>',
  },
  s3_bucket_default_encryption: {
    title: 'Check if S3 buckets have default encryption (SSE) enabled or use a bucket policy to enforce it',
    sev: 'medium',
    svc: 's3',
    type: 'AwsS3Bucket',
    ct: CT_DATA,
    desc: 'Checks that the bucket encrypts new objects by default.',
    risk: 'Objects written without encryption are readable from the underlying storage and backups.',
    rec: 'Enable default encryption with SSE-KMS and a customer managed key.',
    cli: 'aws s3api put-bucket-encryption --bucket <BUCKET> --server-side-encryption-configuration <CONFIG>',
  },
  s3_bucket_secure_transport_policy: {
    title: 'Check if S3 buckets have secure transport policy',
    sev: 'medium',
    svc: 's3',
    type: 'AwsS3Bucket',
    ct: CT_DATA,
    desc: 'Checks that the bucket policy denies requests made without TLS (aws:SecureTransport false).',
    risk: 'Requests over plain HTTP expose data and credentials in transit.',
    rec: 'Add a Deny statement for aws:SecureTransport = false to the bucket policy.',
    cli: '',
  },
  s3_bucket_public_access: {
    title: 'Ensure there are no S3 buckets open to Everyone or Any AWS user',
    sev: 'critical',
    svc: 's3',
    type: 'AwsS3Bucket',
    ct: CT_DATA,
    desc: 'Checks the bucket ACL and policy for grants to everyone or to any authenticated AWS principal.',
    risk: 'Public buckets leak their contents to anyone on the Internet.',
    rec: 'Remove public grants and enable S3 Block Public Access; serve public content through CloudFront with origin access control.',
    cli: '',
  },
  s3_bucket_object_versioning: {
    title: 'Check if S3 buckets have object versioning enabled',
    sev: 'medium',
    svc: 's3',
    type: 'AwsS3Bucket',
    ct: CT_BEST,
    desc: 'Checks that versioning is enabled on the bucket.',
    risk: 'Without versioning, deleted or overwritten objects (including logs) cannot be recovered.',
    rec: 'Enable versioning; for log buckets also enable Object Lock in compliance mode.',
    cli: 'aws s3api put-bucket-versioning --bucket <BUCKET> --versioning-configuration Status=Enabled',
  },
  s3_account_level_public_access_blocks: {
    title: 'Check S3 Account Level Public Access Block',
    sev: 'high',
    svc: 's3',
    type: 'AwsAccount',
    ct: CT_DATA,
    desc: 'Checks that the four S3 Block Public Access settings are on at account level.',
    risk: 'Without the account-level block a single bucket change can make data public.',
    rec: 'Turn on all four Block Public Access settings for the account.',
    cli: 'aws s3control put-public-access-block --account-id <ACCOUNT> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
  },
  rds_instance_storage_encrypted: {
    title: 'Check if RDS instances storage is encrypted',
    sev: 'medium',
    svc: 'rds',
    type: 'AwsRdsDbInstance',
    ct: CT_DATA,
    desc: 'Checks that RDS storage, snapshots and replicas are encrypted at rest.',
    risk: 'Unencrypted database storage and snapshots expose data if copied or shared.',
    rec: 'Create encrypted instances (encryption cannot be enabled in place; restore from an encrypted snapshot copy).',
    cli: '',
  },
  rds_instance_no_public_access: {
    title: 'Ensure there are no RDS instances with public access',
    sev: 'critical',
    svc: 'rds',
    type: 'AwsRdsDbInstance',
    ct: CT_DATA,
    desc: 'Checks that the instance is not publicly accessible.',
    risk: 'A publicly accessible database can be attacked directly from the Internet.',
    rec: 'Set PubliclyAccessible to false and place the instance in private subnets.',
    cli: 'aws rds modify-db-instance --db-instance-identifier <DB> --no-publicly-accessible',
  },
  rds_instance_backup_enabled: {
    title: 'Check if RDS instances have backup enabled',
    sev: 'medium',
    svc: 'rds',
    type: 'AwsRdsDbInstance',
    ct: CT_BEST,
    desc: 'Checks that automated backups are enabled with a retention period.',
    risk: 'Without automated backups data lost to error or ransomware cannot be restored.',
    rec: 'Set a backup retention period of at least 7 days (Acme standard: 35).',
    cli: 'aws rds modify-db-instance --db-instance-identifier <DB> --backup-retention-period 35',
  },
  rds_instance_multi_az: {
    title: 'Check if RDS instances have multi-AZ enabled',
    sev: 'medium',
    svc: 'rds',
    type: 'AwsRdsDbInstance',
    ct: CT_BEST,
    desc: 'Checks that the instance runs a standby in a second Availability Zone.',
    risk: 'A single-AZ database is unavailable during an AZ outage or instance failure.',
    rec: 'Enable Multi-AZ deployment.',
    cli: 'aws rds modify-db-instance --db-instance-identifier <DB> --multi-az --apply-immediately',
  },
  rds_instance_deletion_protection: {
    title: 'Check if RDS instances have deletion protection enabled',
    sev: 'medium',
    svc: 'rds',
    type: 'AwsRdsDbInstance',
    ct: CT_BEST,
    desc: 'Checks that deletion protection is enabled.',
    risk: 'An instance without deletion protection can be removed by a single API call.',
    rec: 'Enable deletion protection.',
    cli: 'aws rds modify-db-instance --db-instance-identifier <DB> --deletion-protection',
  },
  rds_instance_enhanced_monitoring_enabled: {
    title: 'Check if RDS instances has enhanced monitoring enabled',
    sev: 'low',
    svc: 'rds',
    type: 'AwsRdsDbInstance',
    ct: CT_BEST,
    desc: 'Checks that Enhanced Monitoring is enabled.',
    risk: 'Without OS-level metrics, capacity and abuse problems are noticed late.',
    rec: 'Enable Enhanced Monitoring with a 60-second or shorter interval.',
    cli: '',
  },
  dynamodb_tables_pitr_enabled: {
    title: 'Check if DynamoDB tables point-in-time recovery (PITR) is enabled',
    sev: 'medium',
    svc: 'dynamodb',
    type: 'AwsDynamoDbTable',
    ct: CT_BEST,
    desc: 'Checks that continuous backups with point-in-time recovery are enabled.',
    risk: 'Without PITR, accidental writes or deletes cannot be rolled back.',
    rec: 'Enable point-in-time recovery on the table.',
    cli: 'aws dynamodb update-continuous-backups --table-name <TABLE> --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true',
  },
  dynamodb_tables_kms_cmk_encryption_enabled: {
    title: 'Check if DynamoDB table has encryption at rest enabled using CMK KMS',
    sev: 'medium',
    svc: 'dynamodb',
    type: 'AwsDynamoDbTable',
    ct: CT_DATA,
    desc: 'Checks that the table is encrypted with a customer managed KMS key.',
    risk: 'AWS-owned keys cannot be audited or revoked by the data owner.',
    rec: 'Encrypt the table with a customer managed key.',
    cli: '',
  },
  ec2_instance_imdsv2_enabled: {
    title: 'Check if EC2 Instance Metadata Service Version 2 (IMDSv2) is Enabled and Required',
    sev: 'high',
    svc: 'ec2',
    type: 'AwsEc2Instance',
    ct: CT_BEST,
    desc: 'Checks that the instance requires IMDSv2 session tokens.',
    risk: 'IMDSv1 lets server-side request forgery steal instance role credentials.',
    rec: 'Set HttpTokens to required.',
    cli: 'aws ec2 modify-instance-metadata-options --instance-id <ID> --http-tokens required --http-endpoint enabled',
  },
  ec2_instance_public_ip: {
    title: 'Check for EC2 Instances with a Public IP',
    sev: 'medium',
    svc: 'ec2',
    type: 'AwsEc2Instance',
    ct: CT_BEST,
    desc: 'Checks whether the instance has a public IPv4 address.',
    risk: 'Public addresses expose instances directly to the Internet.',
    rec: 'Run instances in private subnets behind load balancers.',
    cli: '',
  },
  ec2_instance_managed_by_ssm: {
    title: 'Check if EC2 instances are managed by Systems Manager',
    sev: 'medium',
    svc: 'ssm',
    type: 'AwsEc2Instance',
    ct: CT_BEST,
    desc: 'Checks that the instance is registered as a Systems Manager managed node.',
    risk: 'Unmanaged instances miss inventory, patching and session logging.',
    rec: 'Install the SSM agent and attach the AmazonSSMManagedInstanceCore policy to the instance role.',
    cli: '',
  },
  ec2_ebs_volume_encryption: {
    title: 'Ensure there are no EBS Volumes unencrypted',
    sev: 'medium',
    svc: 'ec2',
    type: 'AwsEc2Volume',
    ct: CT_DATA,
    desc: 'Checks that the EBS volume is encrypted.',
    risk: 'Unencrypted volumes and their snapshots expose data at rest.',
    rec: 'Use encrypted volumes; enable EBS encryption by default.',
    cli: '',
  },
  ec2_ebs_default_encryption: {
    title: 'Check if EBS Default Encryption is activated',
    sev: 'medium',
    svc: 'ec2',
    type: 'AwsAccount',
    ct: CT_DATA,
    desc: 'Checks that new EBS volumes are encrypted by default in the region.',
    risk: 'Volumes created without explicit encryption stay unencrypted.',
    rec: 'Enable EBS encryption by default in every region.',
    cli: 'aws ec2 enable-ebs-encryption-by-default',
  },
  ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22: {
    title: 'Ensure no security groups allow ingress from 0.0.0.0/0 or ::/0 to SSH port 22',
    sev: 'high',
    svc: 'ec2',
    type: 'AwsEc2SecurityGroup',
    ct: CT_CIS,
    desc: 'Checks security groups for SSH open to the Internet.',
    risk: 'Internet-exposed SSH invites brute force and exploitation.',
    rec: 'Remove 0.0.0.0/0 SSH rules; use Session Manager for administrative access.',
    cli: '',
  },
  ec2_securitygroup_default_restrict_traffic: {
    title: 'Ensure the default security group of every VPC restricts all traffic',
    sev: 'high',
    svc: 'ec2',
    type: 'AwsEc2SecurityGroup',
    ct: CT_CIS,
    desc: 'Checks that the default security group has no inbound or outbound rules.',
    risk: 'Resources launched without an explicit group inherit the default group.',
    rec: 'Remove all rules from default security groups.',
    cli: '',
  },
  ec2_networkacl_allow_ingress_any_port: {
    title: 'Ensure no Network ACLs allow ingress from 0.0.0.0/0 to any port',
    sev: 'medium',
    svc: 'ec2',
    type: 'AwsEc2NetworkAcl',
    ct: CT_BEST,
    desc: 'Checks network ACLs for rules allowing all ports from anywhere.',
    risk: 'Open network ACLs remove a layer of defence in depth.',
    rec: 'Restrict network ACL entries to required ports and sources.',
    cli: '',
  },
  eks_cluster_not_publicly_accessible: {
    title: 'Ensure EKS Clusters are created with Private Endpoint Enabled and Public Access Disabled',
    sev: 'high',
    svc: 'eks',
    type: 'AwsEksCluster',
    ct: CT_BEST,
    desc: 'Checks that the Kubernetes API endpoint is not reachable from the Internet.',
    risk: 'A public API endpoint exposes the control plane to credential attacks and vulnerabilities.',
    rec: 'Disable the public endpoint and reach the API through the private endpoint.',
    cli: 'aws eks update-cluster-config --name <CLUSTER> --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true',
  },
  elbv2_insecure_ssl_ciphers: {
    title: 'Ensure Elastic Load Balancers have secure SSL ciphers',
    sev: 'medium',
    svc: 'elbv2',
    type: 'AwsElbv2LoadBalancer',
    ct: CT_BEST,
    desc: 'Checks that HTTPS listeners use a security policy without legacy protocols or ciphers.',
    risk: 'TLS 1.0/1.1 and weak ciphers allow downgrade and decryption attacks.',
    rec: 'Use ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04 (or another TLS 1.2+ FIPS policy).',
    cli: 'aws elbv2 modify-listener --listener-arn <ARN> --ssl-policy ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04',
  },
  elbv2_logging_enabled: {
    title: 'Check if Elastic Load Balancers have logging enabled',
    sev: 'medium',
    svc: 'elbv2',
    type: 'AwsElbv2LoadBalancer',
    ct: CT_BEST,
    desc: 'Checks that access logging to S3 is enabled.',
    risk: 'Without access logs, attacks and abuse cannot be investigated.',
    rec: 'Enable access logs to a dedicated, versioned S3 bucket.',
    cli: '',
  },
  elbv2_waf_acl_attached: {
    title: 'Check if Application Load Balancer has a WAF ACL attached',
    sev: 'medium',
    svc: 'elbv2',
    type: 'AwsElbv2LoadBalancer',
    ct: CT_BEST,
    desc: 'Checks that an AWS WAF web ACL protects the load balancer.',
    risk: 'Unfiltered traffic exposes the application to common web attacks.',
    rec: 'Associate a WAFv2 web ACL with managed rule groups.',
    cli: '',
  },
  elbv2_deletion_protection: {
    title: 'Check if Elastic Load Balancers have deletion protection enabled',
    sev: 'medium',
    svc: 'elbv2',
    type: 'AwsElbv2LoadBalancer',
    ct: CT_BEST,
    desc: 'Checks that deletion protection is enabled.',
    risk: 'An unprotected load balancer can be deleted by mistake, taking the service down.',
    rec: 'Enable deletion protection.',
    cli: '',
  },
  cloudtrail_multi_region_enabled: {
    title: 'Ensure CloudTrail is enabled in all regions',
    sev: 'high',
    svc: 'cloudtrail',
    type: 'AwsCloudTrailTrail',
    ct: CT_CIS,
    desc: 'Checks that a multi-region trail is logging in the region.',
    risk: 'Regions without a trail hide attacker activity.',
    rec: 'Use one organization trail covering all regions.',
    cli: '',
  },
  cloudtrail_log_file_validation_enabled: {
    title: 'Ensure CloudTrail log file validation is enabled',
    sev: 'medium',
    svc: 'cloudtrail',
    type: 'AwsCloudTrailTrail',
    ct: CT_CIS,
    desc: 'Checks that digest files are produced for log integrity validation.',
    risk: 'Without validation, tampering with log files cannot be detected.',
    rec: 'Enable log file validation on the trail.',
    cli: 'aws cloudtrail update-trail --name <TRAIL> --enable-log-file-validation',
  },
  cloudtrail_kms_encryption_enabled: {
    title: 'Ensure CloudTrail logs are encrypted at rest using KMS CMKs',
    sev: 'medium',
    svc: 'cloudtrail',
    type: 'AwsCloudTrailTrail',
    ct: CT_CIS,
    desc: 'Checks that the trail encrypts log files with SSE-KMS.',
    risk: 'Logs encrypted only with S3-managed keys can be read by anyone with bucket access.',
    rec: 'Configure a customer managed KMS key on the trail.',
    cli: '',
  },
  cloudtrail_cloudwatch_logging_enabled: {
    title: 'Ensure CloudTrail trails are integrated with CloudWatch Logs',
    sev: 'low',
    svc: 'cloudtrail',
    type: 'AwsCloudTrailTrail',
    ct: CT_CIS,
    desc: 'Checks that the trail delivers events to CloudWatch Logs.',
    risk: 'Without CloudWatch delivery, metric filters and alarms cannot fire on API activity.',
    rec: 'Configure a CloudWatch Logs log group on the trail.',
    cli: '',
  },
  cloudtrail_s3_dataevents_read_enabled: {
    title: 'Check if S3 buckets have Object-level logging for read events is enabled in CloudTrail',
    sev: 'low',
    svc: 'cloudtrail',
    type: 'AwsCloudTrailTrail',
    ct: CT_CIS,
    desc: 'Checks that S3 object-level read events are recorded.',
    risk: 'Data exfiltration from buckets goes unrecorded.',
    rec: 'Add S3 data event selectors for read events.',
    cli: '',
  },
  cloudtrail_s3_dataevents_write_enabled: {
    title: 'Check if S3 buckets have Object-level logging for write events is enabled in CloudTrail',
    sev: 'low',
    svc: 'cloudtrail',
    type: 'AwsCloudTrailTrail',
    ct: CT_CIS,
    desc: 'Checks that S3 object-level write events are recorded.',
    risk: 'Object tampering goes unrecorded.',
    rec: 'Add S3 data event selectors for write events.',
    cli: '',
  },
  cloudwatch_log_group_kms_encryption_enabled: {
    title: 'Check if CloudWatch log groups are protected by AWS KMS',
    sev: 'medium',
    svc: 'cloudwatch',
    type: 'AwsLogsLogGroup',
    ct: CT_DATA,
    desc: 'Checks that the log group is encrypted with a customer managed KMS key.',
    risk: 'Log data may contain sensitive information readable by anyone with log access.',
    rec: 'Associate a KMS key with the log group.',
    cli: 'aws logs associate-kms-key --log-group-name <GROUP> --kms-key-id <KEY_ARN>',
  },
  cloudwatch_log_group_retention_policy_specific_days_enabled: {
    title: 'Check if CloudWatch Log Groups have a retention policy of specific days',
    sev: 'medium',
    svc: 'cloudwatch',
    type: 'AwsLogsLogGroup',
    ct: CT_BEST,
    desc: 'Checks that the log group keeps events for at least the configured days (365).',
    risk: 'Short retention loses the records an investigation needs.',
    rec: 'Set retention to at least 365 days.',
    cli: 'aws logs put-retention-policy --log-group-name <GROUP> --retention-in-days 400',
  },
  cloudwatch_changes_to_network_acls_alarm_configured: {
    title: 'Ensure a log metric filter and alarm exist for changes to Network Access Control Lists (NACL)',
    sev: 'medium',
    svc: 'cloudwatch',
    type: 'AwsCloudWatchAlarm',
    ct: CT_CIS,
    desc: 'Checks for a metric filter and alarm on NACL changes in the CloudTrail log group.',
    risk: 'Unnoticed NACL changes can open network paths.',
    rec: 'Create the metric filter and alarm, notifying the security on-call topic.',
    cli: '',
  },
  cloudwatch_changes_to_network_gateways_alarm_configured: {
    title: 'Ensure a log metric filter and alarm exist for changes to network gateways',
    sev: 'medium',
    svc: 'cloudwatch',
    type: 'AwsCloudWatchAlarm',
    ct: CT_CIS,
    desc: 'Checks for a metric filter and alarm on gateway changes.',
    risk: 'Unnoticed gateway changes can route traffic around controls.',
    rec: 'Create the metric filter and alarm.',
    cli: '',
  },
  cloudwatch_changes_to_network_route_tables_alarm_configured: {
    title: 'Ensure a log metric filter and alarm exist for route table changes',
    sev: 'medium',
    svc: 'cloudwatch',
    type: 'AwsCloudWatchAlarm',
    ct: CT_CIS,
    desc: 'Checks for a metric filter and alarm on route table changes.',
    risk: 'Route changes can divert traffic.',
    rec: 'Create the metric filter and alarm.',
    cli: '',
  },
  cloudwatch_changes_to_vpcs_alarm_configured: {
    title: 'Ensure a log metric filter and alarm exist for VPC changes',
    sev: 'medium',
    svc: 'cloudwatch',
    type: 'AwsCloudWatchAlarm',
    ct: CT_CIS,
    desc: 'Checks for a metric filter and alarm on VPC changes.',
    risk: 'Unnoticed VPC changes (peering, attachments) can expose networks.',
    rec: 'Create the metric filter and alarm.',
    cli: '',
  },
  kms_cmk_rotation_enabled: {
    title: 'Ensure rotation for customer created KMS CMKs is enabled',
    sev: 'medium',
    svc: 'kms',
    type: 'AwsKmsKey',
    ct: CT_CIS,
    desc: 'Checks that automatic yearly rotation is enabled on symmetric customer managed keys.',
    risk: 'Keys that never rotate accumulate ciphertext under one key for longer.',
    rec: 'Enable automatic key rotation.',
    cli: 'aws kms enable-key-rotation --key-id <KEY_ID>',
  },
  secretsmanager_automatic_rotation_enabled: {
    title: 'Check if Secrets Manager secret rotation is enabled',
    sev: 'medium',
    svc: 'secretsmanager',
    type: 'AwsSecretsManagerSecret',
    ct: CT_BEST,
    desc: 'Checks that automatic rotation is configured on the secret.',
    risk: 'Static secrets stay valid long after they may have leaked.',
    rec: 'Configure a rotation Lambda and schedule.',
    cli: '',
  },
  guardduty_is_enabled: {
    title: 'Check if GuardDuty is enabled',
    sev: 'medium',
    svc: 'guardduty',
    type: 'AwsGuardDutyDetector',
    ct: CT_BEST,
    desc: 'Checks that a GuardDuty detector is enabled in the region.',
    risk: 'Without threat detection, compromised credentials and workloads go unnoticed.',
    rec: 'Enable GuardDuty in all regions through the delegated administrator.',
    cli: 'aws guardduty create-detector --enable',
  },
  securityhub_enabled: {
    title: 'Check if Security Hub is enabled and its standard subscriptions',
    sev: 'medium',
    svc: 'securityhub',
    type: 'AwsSecurityHubHub',
    ct: CT_BEST,
    desc: 'Checks that Security Hub is enabled with at least one standard.',
    risk: 'Without a central findings view, misconfigurations are missed.',
    rec: 'Enable Security Hub with the FSBP and NIST SP 800-53 standards.',
    cli: 'aws securityhub enable-security-hub --enable-default-standards',
  },
  vpc_flow_logs_enabled: {
    title: 'Ensure VPC Flow Logging is Enabled in all VPCs',
    sev: 'medium',
    svc: 'vpc',
    type: 'AwsEc2Vpc',
    ct: CT_CIS,
    desc: 'Checks that the VPC has flow logs enabled.',
    risk: 'Without flow logs, network-level investigation is impossible.',
    rec: 'Enable flow logs for all traffic to CloudWatch Logs or S3.',
    cli: '',
  },
  awslambda_function_not_publicly_accessible: {
    title: 'Check if Lambda functions have resource-based policy set as Public',
    sev: 'critical',
    svc: 'awslambda',
    type: 'AwsLambdaFunction',
    ct: CT_BEST,
    desc: 'Checks the function policy for a wildcard principal.',
    risk: 'A public function can be invoked by anyone.',
    rec: 'Restrict the resource-based policy to known principals.',
    cli: '',
  },
  awslambda_function_url_public: {
    title: 'Check Lambda Function URL is not public',
    sev: 'high',
    svc: 'awslambda',
    type: 'AwsLambdaFunction',
    ct: CT_BEST,
    desc: 'Checks for a function URL with auth type NONE.',
    risk: 'An unauthenticated function URL is an open Internet endpoint.',
    rec: 'Use AWS_IAM auth or remove the function URL.',
    cli: '',
  },
  accessanalyzer_enabled: {
    title: 'Check if IAM Access Analyzer is enabled',
    sev: 'low',
    svc: 'accessanalyzer',
    type: 'Other',
    ct: ['IAM'],
    desc: 'Checks that an IAM Access Analyzer analyzer is active in the region.',
    risk: 'Resources shared outside the organisation go unnoticed.',
    rec: 'Create an organization analyzer in every active region.',
    cli: 'aws accessanalyzer create-analyzer --analyzer-name <NAME> --type ORGANIZATION',
  },
  account_maintain_current_contact_details: {
    title: 'Maintain current contact details.',
    sev: 'medium',
    svc: 'account',
    type: 'Other',
    ct: ['IAM'],
    desc: 'Maintain current contact details.',
    risk: 'AWS cannot reach the owner about abuse or security events if contact details are stale.',
    rec: 'Review the account contact details in the Billing console.',
    cli: 'No command available.',
    manual: 'Login to the AWS Console. Choose your account name on the top right of the window -> My Account -> Contact Information.',
  },
  account_security_contact_information_is_registered: {
    title: 'Ensure security contact information is registered.',
    sev: 'medium',
    svc: 'account',
    type: 'Other',
    ct: ['IAM'],
    desc: 'Ensure security contact information is registered.',
    risk: 'Security advisories may not reach the security team.',
    rec: 'Register the security alternate contact (Acme: secops distribution list).',
    cli: 'No command available.',
    manual: 'Login to the AWS Console. Choose your account name on the top right of the window -> My Account -> Alternate Contacts -> Security Section.',
  },
  account_security_questions_are_registered_in_the_aws_account: {
    title: 'Ensure security questions are registered in the AWS account.',
    sev: 'medium',
    svc: 'account',
    type: 'Other',
    ct: ['IAM'],
    desc: 'Ensure security questions are registered in the AWS account.',
    risk: 'Root recovery through AWS Support needs the questions.',
    rec: 'Register security questions as root (stored in the break-glass safe).',
    cli: 'No command available.',
    manual:
      'Login to the AWS Console as root. Choose your account name on the top right of the window -> My Account -> Configure Security Challenge Questions.',
  },
  ecr_repositories_scan_vulnerabilities_in_latest_image: {
    title: 'ECR repository latest image is scanned with no vulnerabilities at or above the configured minimum severity',
    sev: 'medium',
    svc: 'ecr',
    type: 'AwsEcrRepository',
    ct: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    desc: 'Checks the scan results of the most recent image pushed to the repository.',
    risk: 'Known vulnerabilities in deployed images can be exploited.',
    rec: 'Rebuild on patched base images and dependencies; gate deployments on scan results.',
    cli: '',
  },
  ecr_registry_scan_images_on_push_enabled: {
    title: 'Check if ECR Registry has scan on push enabled',
    sev: 'medium',
    svc: 'ecr',
    type: 'Other',
    ct: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    desc: 'Checks that the registry scanning configuration scans images on push.',
    risk: 'Images that are never scanned hide known vulnerabilities.',
    rec: 'Enable enhanced scanning with scan on push and continuous scanning.',
    cli: '',
  },
};

// Resource ids shared by the Prowler and Security Hub views of the same resources.
const instanceId = (account, group, i) => `i-0${hexOf(`instance:${account.id}:${group}:${i}`, 16)}`;
const volumeId = (account, group, i) => `vol-0${hexOf(`volume:${account.id}:${group}:${i}`, 16)}`;
const sgId = (name) => `sg-0${hexOf(`sg:${name}`, 16)}`;
const defaultSgId = (vpc) => `sg-0${hexOf(`sg-default:${vpc}`, 16)}`;
const kmsKeyId = (account, alias) => uuidOf(`kms:${account.id}:${alias}`);
const kmsKeyArn = (account, alias, region) => `arn:aws:kms:${region}:${account.id}:key/${kmsKeyId(account, alias)}`;
const secretArn = (account, name) => `arn:aws:secretsmanager:${USE1}:${account.id}:secret:${name}-${hexOf(`secret:${name}`, 6)}`;
const albArn = (account, name, region) => `arn:aws:elasticloadbalancing:${region}:${account.id}:loadbalancer/app/${name}/${hexOf(`alb:${name}`, 16)}`;

// ---------------------------------------------------------------------------------------------
// Container images and their vulnerabilities (Trivy). Scores: CVSS v3.1 base score of the
// severity source; v4 only where the advisory has no v3 score (Trivy then derives
// security-severity from the label: CRITICAL 9.5, HIGH 8.0, MEDIUM 5.5, LOW 2.0).
// ---------------------------------------------------------------------------------------------

const V = {
  netA: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', // 7.5
  netC: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', // 7.5
  netI: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N', // 7.5
  all: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', // 9.8
  ci: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N', // 9.1
  ca: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H', // 9.1
  ia: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H', // 9.1
  lowA: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L', // 5.3
  redirect: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', // 6.1
  xss5: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L', // 5.0
  xss54: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N', // 5.4
  localA: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H', // 5.5
  localA62: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', // 6.2
  cl: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:L', // 6.5
  la65: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H', // 6.5
  lll: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L', // 7.3
  perl: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', // 8.1
  ui88: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', // 8.8
  req: 'CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:N', // 5.6
  proxy: 'CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N', // 4.4
  doc: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', // 3.1
  pip: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:L/A:N', // 3.3
};

const REGISTRY = `${PROD.id}.dkr.ecr.${USE1}.amazonaws.com`;
const NODE = (pkg) => `app/node_modules/${pkg}/package.json`;
const PY = (pkg, ver) => `usr/local/lib/python3.11/site-packages/${pkg}-${ver}.dist-info/METADATA`;

/** v: [id, package, installed, fixed, label, score, vector, title, description, pkgPath?] */
const IMAGES = [
  {
    repo: 'acme-agc/api',
    tag: '2026.11.3',
    os: 'alpine 3.20.0',
    team: 'platform',
    lang: { target: 'usr/local/bin/agc-api', type: 'gobinary' },
    vulns: [
      [
        'CVE-2024-6119',
        'libcrypto3',
        '3.3.0-r2',
        '3.3.2-r0',
        'HIGH',
        7.5,
        V.netA,
        'openssl: Possible denial of service in X.509 name checks',
        'Checking an X.509 certificate against an otherName subject alternative name can read invalid memory and crash the TLS client or server.',
      ],
      [
        'CVE-2024-6119',
        'libssl3',
        '3.3.0-r2',
        '3.3.2-r0',
        'HIGH',
        7.5,
        V.netA,
        'openssl: Possible denial of service in X.509 name checks',
        'Checking an X.509 certificate against an otherName subject alternative name can read invalid memory and crash the TLS client or server.',
      ],
      [
        'CVE-2024-5535',
        'libcrypto3',
        '3.3.0-r2',
        '3.3.1-r1',
        'CRITICAL',
        9.1,
        V.ca,
        'openssl: SSL_select_next_proto buffer overread',
        'Calling SSL_select_next_proto with an empty supported client protocol buffer can read past the buffer and leak memory contents to the peer.',
      ],
      [
        'CVE-2024-5535',
        'libssl3',
        '3.3.0-r2',
        '3.3.1-r1',
        'CRITICAL',
        9.1,
        V.ca,
        'openssl: SSL_select_next_proto buffer overread',
        'Calling SSL_select_next_proto with an empty supported client protocol buffer can read past the buffer and leak memory contents to the peer.',
      ],
      [
        'CVE-2024-45490',
        'libexpat',
        '2.6.2-r0',
        '2.6.3-r0',
        'CRITICAL',
        9.8,
        V.all,
        'libexpat: Negative Length Parsing Vulnerability in libexpat',
        'XML_ParseBuffer accepts a negative length, which can corrupt memory.',
      ],
      [
        'CVE-2024-45491',
        'libexpat',
        '2.6.2-r0',
        '2.6.3-r0',
        'CRITICAL',
        9.8,
        V.all,
        'libexpat: Integer Overflow or Wraparound',
        'dtdCopy can overflow an integer on 32-bit platforms, leading to a heap buffer overflow.',
      ],
      [
        'CVE-2024-45492',
        'libexpat',
        '2.6.2-r0',
        '2.6.3-r0',
        'CRITICAL',
        9.8,
        V.all,
        'libexpat: integer overflow',
        'nextScaffoldPart can overflow an integer on 32-bit platforms.',
      ],
      [
        'CVE-2023-42363',
        'busybox',
        '1.36.1-r28',
        '1.36.1-r29',
        'MEDIUM',
        5.5,
        V.localA,
        'busybox: use-after-free in awk',
        'A crafted awk program can trigger a use-after-free in the xasprintf function.',
      ],
      [
        'CVE-2024-6197',
        'libcurl',
        '8.8.0-r0',
        '8.9.0-r0',
        'HIGH',
        7.5,
        V.netA,
        'curl: freeing stack buffer in utf8asn1str',
        'The ASN.1 parser can free a stack buffer when handling a crafted certificate field, crashing the client.',
      ],
      [
        'CVE-2024-7264',
        'libcurl',
        '8.8.0-r0',
        '8.9.1-r0',
        'MEDIUM',
        6.5,
        V.cl,
        'curl: libcurl: ASN.1 date parser overread',
        'A malformed GeneralizedTime field can make the date parser read past its buffer.',
      ],
      [
        'CVE-2024-24790',
        'stdlib',
        'v1.22.3',
        '1.21.11, 1.22.4',
        'CRITICAL',
        9.8,
        V.all,
        'golang: net/netip: Unexpected behavior from Is methods for IPv4-mapped IPv6 addresses',
        'IsPrivate, IsLoopback and related methods give wrong answers for IPv4-mapped IPv6 addresses, which can defeat address-based access checks.',
      ],
      [
        'CVE-2024-24791',
        'stdlib',
        'v1.22.3',
        '1.21.12, 1.22.5',
        'HIGH',
        7.5,
        V.netA,
        'net/http: Denial of service due to improper 100-continue handling in net/http',
        'The HTTP/1.1 client mishandles an "Expect: 100-continue" request when the server replies with a non-informational status, which can leave connections stuck.',
      ],
      [
        'CVE-2024-34156',
        'stdlib',
        'v1.22.3',
        '1.22.7, 1.23.1',
        'HIGH',
        7.5,
        V.netA,
        'encoding/gob: golang: Calling Decoder.Decode on a message which contains deeply nested structures can cause a panic due to stack exhaustion',
        'Deeply nested gob messages exhaust the stack and crash the process.',
      ],
      [
        'CVE-2024-34158',
        'stdlib',
        'v1.22.3',
        '1.22.7, 1.23.1',
        'HIGH',
        7.5,
        V.netA,
        'go/build/constraint: golang: Calling Parse on a "// +build" build tag line with deeply nested expressions can cause a panic due to stack exhaustion',
        'Deeply nested build tag expressions exhaust the stack.',
      ],
      [
        'CVE-2025-22871',
        'stdlib',
        'v1.22.3',
        '1.23.8, 1.24.2',
        'CRITICAL',
        9.1,
        V.ia,
        'net/http: Request smuggling due to acceptance of invalid chunked data in net/http',
        'A bare LF accepted as a chunk-size line terminator can let requests be smuggled through proxies that parse chunks differently.',
      ],
      [
        'CVE-2024-45337',
        'golang.org/x/crypto',
        'v0.21.0',
        '0.31.0',
        'CRITICAL',
        9.1,
        V.ci,
        'golang.org/x/crypto/ssh: Misuse of ServerConfig.PublicKeyCallback may cause authorization bypass in golang.org/x/crypto',
        'Servers that authorise based on the key passed to the last PublicKeyCallback call can be tricked into authorising the wrong key.',
      ],
      [
        'CVE-2025-22869',
        'golang.org/x/crypto',
        'v0.21.0',
        '0.35.0',
        'HIGH',
        7.5,
        V.netA,
        'golang.org/x/crypto/ssh: Denial of Service in the Key Exchange of golang.org/x/crypto/ssh',
        'A client that never completes key exchange can make an SSH server buffer unbounded pending data.',
      ],
      [
        'CVE-2024-45338',
        'golang.org/x/net',
        'v0.23.0',
        '0.33.0',
        'MEDIUM',
        5.3,
        V.lowA,
        'golang.org/x/net/html: Non-linear parsing of case-insensitive content in golang.org/x/net/html',
        'Crafted HTML makes the parser take non-linear time.',
      ],
      [
        'CVE-2025-30204',
        'github.com/golang-jwt/jwt/v4',
        'v4.5.0',
        '4.5.2',
        'HIGH',
        7.5,
        V.netA,
        'golang-jwt/jwt: jwt-go allows excessive memory allocation during header parsing',
        'A token with many periods makes header parsing allocate memory proportional to input length, enabling denial of service.',
      ],
      [
        'CVE-2024-51744',
        'github.com/golang-jwt/jwt/v4',
        'v4.5.0',
        '4.5.1',
        'LOW',
        3.1,
        V.doc,
        'golang-jwt: Bad documentation of error handling in ParseWithClaims can lead to potentially dangerous situations',
        'Callers that check only for ErrTokenExpired can accept tokens that also failed signature validation.',
      ],
      [
        'CVE-2023-44487',
        'google.golang.org/grpc',
        'v1.58.2',
        '1.56.3, 1.57.1, 1.58.3',
        'HIGH',
        7.5,
        V.netA,
        'HTTP/2: Multiple HTTP/2 enabled web servers are vulnerable to a DDoS attack (Rapid Reset Attack)',
        'Rapidly opening and cancelling HTTP/2 streams exhausts server resources.',
      ],
    ],
  },
  {
    repo: 'acme-agc/web',
    tag: '2026.11.1',
    os: 'debian 12.7',
    team: 'web',
    lang: { target: 'Node.js', type: 'node-pkg' },
    vulns: [
      [
        'CVE-2023-45853',
        'zlib1g',
        '1:1.2.13.dfsg-1',
        '',
        'CRITICAL',
        9.8,
        V.all,
        'zlib: integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_6',
        'MiniZip (shipped with zlib, not used by zlib itself) overflows an integer on long file names or comments. Debian will not fix it in bookworm.',
      ],
      [
        'CVE-2024-2961',
        'libc6',
        '2.36-9+deb12u4',
        '2.36-9+deb12u6',
        'HIGH',
        7.3,
        V.lll,
        'glibc: Out of bounds write in iconv may lead to remote code execution',
        'Converting to the ISO-2022-CN-EXT character set can write up to four bytes past the output buffer.',
      ],
      [
        'CVE-2024-2961',
        'libc-bin',
        '2.36-9+deb12u4',
        '2.36-9+deb12u6',
        'HIGH',
        7.3,
        V.lll,
        'glibc: Out of bounds write in iconv may lead to remote code execution',
        'Converting to the ISO-2022-CN-EXT character set can write up to four bytes past the output buffer.',
      ],
      [
        'CVE-2023-52425',
        'libexpat1',
        '2.5.0-1',
        '2.5.0-1+deb12u1',
        'HIGH',
        7.5,
        V.netA,
        'expat: parsing large tokens can trigger a denial of service',
        'Large tokens that need many buffer fills make parsing quadratic.',
      ],
      [
        'CVE-2023-31484',
        'perl-base',
        '5.36.0-7+deb12u1',
        '',
        'HIGH',
        8.1,
        V.perl,
        'perl: CPAN.pm does not verify TLS certificates when downloading distributions over HTTPS',
        'CPAN.pm before 2.35 downloads over HTTPS without verifying the server certificate.',
      ],
      [
        'CVE-2025-29927',
        'next',
        '14.2.10',
        '14.2.25, 15.2.3',
        'CRITICAL',
        9.1,
        V.ci,
        'nextjs: Authorization Bypass in Next.js Middleware',
        'A crafted x-middleware-subrequest header skips middleware, bypassing authorisation checks implemented there.',
        NODE('next'),
      ],
      [
        'CVE-2024-21538',
        'cross-spawn',
        '7.0.3',
        '7.0.5, 6.0.6',
        'HIGH',
        7.5,
        V.netA,
        'cross-spawn: regular expression denial of service',
        'Crafted arguments make argument escaping take exponential time.',
        NODE('cross-spawn'),
      ],
      [
        'CVE-2024-21538',
        'cross-spawn',
        '7.0.3',
        '7.0.5, 6.0.6',
        'HIGH',
        7.5,
        V.netA,
        'cross-spawn: regular expression denial of service',
        'Crafted arguments make argument escaping take exponential time.',
        'usr/local/lib/node_modules/npm/node_modules/cross-spawn/package.json',
      ],
      [
        'CVE-2024-39338',
        'axios',
        '1.6.8',
        '1.7.4',
        'HIGH',
        7.5,
        V.netC,
        'axios: axios: Server-Side Request Forgery',
        'Path-relative URLs are processed as protocol-relative URLs on the server, which can send requests to unintended hosts.',
        NODE('axios'),
      ],
      [
        'CVE-2024-45296',
        'path-to-regexp',
        '0.1.7',
        '1.9.0, 0.1.10, 8.0.0, 3.3.0, 6.3.0',
        'HIGH',
        7.5,
        V.netA,
        'path-to-regexp: Backtracking regular expressions cause ReDoS',
        'Routes with two parameters in one segment compile to a backtracking regular expression.',
        NODE('path-to-regexp'),
      ],
      [
        'CVE-2024-52798',
        'path-to-regexp',
        '0.1.7',
        '0.1.12',
        'HIGH',
        7.5,
        V.netA,
        'path-to-regexp: path-to-regexp Unpatched `path-to-regexp` ReDoS in 0.1.x',
        'The 0.1.10 fix was incomplete for some parameter patterns.',
        NODE('path-to-regexp'),
      ],
      [
        'CVE-2024-45590',
        'body-parser',
        '1.20.2',
        '1.20.3',
        'HIGH',
        7.5,
        V.netA,
        'body-parser: Denial of Service Vulnerability in body-parser',
        'URL-encoded bodies with extended parsing can flood the server with work.',
        NODE('body-parser'),
      ],
      [
        'CVE-2024-29041',
        'express',
        '4.18.2',
        '4.19.2, 5.0.0-beta.3',
        'MEDIUM',
        6.1,
        V.redirect,
        'express: cause malformed URLs to be evaluated',
        'Malformed URLs passed to res.location or res.redirect can bypass allow lists and produce open redirects.',
        NODE('express'),
      ],
      [
        'CVE-2024-43796',
        'express',
        '4.18.2',
        '4.20.0, 5.0.0',
        'LOW',
        5.0,
        V.xss5,
        'express: Improper Input Handling in Express Redirects',
        'Untrusted input passed to res.redirect can execute script in the browser.',
        NODE('express'),
      ],
      [
        'CVE-2024-43799',
        'send',
        '0.18.0',
        '0.19.0',
        'LOW',
        5.0,
        V.xss5,
        'send: Code Execution Vulnerability in Send Library',
        'Untrusted input passed to SendStream.redirect can execute script in the browser.',
        NODE('send'),
      ],
      [
        'CVE-2024-43800',
        'serve-static',
        '1.15.0',
        '1.16.0, 2.1.0',
        'LOW',
        5.0,
        V.xss5,
        'serve-static: Improper Sanitization in serve-static',
        'Untrusted input passed to redirect can execute script in the browser.',
        NODE('serve-static'),
      ],
      [
        'CVE-2024-37890',
        'ws',
        '8.16.0',
        '5.2.4, 6.2.3, 7.5.10, 8.17.1',
        'HIGH',
        7.5,
        V.netA,
        'nodejs-ws: denial of service when handling a request with many HTTP headers',
        'A request with more headers than the server allows crashes a ws server.',
        NODE('ws'),
      ],
      [
        'CVE-2024-4068',
        'braces',
        '3.0.2',
        '3.0.3',
        'HIGH',
        7.5,
        V.netA,
        'braces: fails to limit the number of characters it can handle',
        'Unbalanced braces make the parser loop and exhaust memory.',
        NODE('braces'),
      ],
      [
        'CVE-2024-4067',
        'micromatch',
        '4.0.5',
        '4.0.8',
        'MEDIUM',
        5.3,
        V.lowA,
        'micromatch: vulnerable to Regular Expression Denial of Service',
        'A greedy pattern in micromatch.braces backtracks on crafted input.',
        NODE('micromatch'),
      ],
      [
        'CVE-2025-7783',
        'form-data',
        '4.0.0',
        '2.5.4, 3.0.4, 4.0.4',
        'CRITICAL',
        null,
        'CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:N',
        'form-data: Unsafe random function in form-data',
        'Multipart boundaries come from Math.random, which an attacker who observes other values can predict and use to inject parameters.',
        NODE('form-data'),
        9.4,
      ],
      [
        'CVE-2022-25883',
        'semver',
        '7.5.1',
        '7.5.2, 6.3.1, 5.7.2',
        'HIGH',
        7.5,
        V.netA,
        'nodejs-semver: regular expression denial of service',
        'Untrusted input to new Range is matched with a backtracking expression.',
        NODE('semver'),
      ],
    ],
  },
  {
    repo: 'acme-agc/worker',
    tag: '2026.10.28',
    os: 'debian 12.7',
    team: 'data',
    lang: { target: 'Python', type: 'python-pkg' },
    vulns: [
      [
        'CVE-2023-45853',
        'zlib1g',
        '1:1.2.13.dfsg-1',
        '',
        'CRITICAL',
        9.8,
        V.all,
        'zlib: integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_6',
        'MiniZip (shipped with zlib, not used by zlib itself) overflows an integer on long file names or comments. Debian will not fix it in bookworm.',
      ],
      [
        'CVE-2024-2961',
        'libc6',
        '2.36-9+deb12u4',
        '2.36-9+deb12u6',
        'HIGH',
        7.3,
        V.lll,
        'glibc: Out of bounds write in iconv may lead to remote code execution',
        'Converting to the ISO-2022-CN-EXT character set can write up to four bytes past the output buffer.',
      ],
      [
        'CVE-2023-7104',
        'libsqlite3-0',
        '3.40.1-2',
        '3.40.1-2+deb12u1',
        'HIGH',
        7.3,
        V.lll,
        'sqlite: heap-buffer-overflow at sessionfuzz',
        'A crafted changeset makes the session extension read past a heap buffer.',
      ],
      [
        'CVE-2023-50495',
        'libncursesw6',
        '6.4-4',
        '',
        'MEDIUM',
        6.5,
        V.la65,
        'ncurses: segmentation fault via _nc_wrap_entry()',
        'A crafted terminfo entry crashes programs that load it.',
      ],
      [
        'CVE-2024-35195',
        'requests',
        '2.31.0',
        '2.32.0',
        'MEDIUM',
        5.6,
        V.req,
        'requests: subsequent requests to the same host ignore cert verification',
        'After a first request with verify=False, later requests to the same host reuse the connection without verifying certificates.',
        PY('requests', '2.31.0'),
      ],
      [
        'CVE-2024-6345',
        'setuptools',
        '65.5.1',
        '70.0.0',
        'HIGH',
        8.8,
        V.ui88,
        'pypa/setuptools: Remote code execution via download functions in the package_index module in pypa/setuptools',
        'URLs passed to package_index download functions can inject shell commands.',
        PY('setuptools', '65.5.1'),
      ],
      [
        'CVE-2024-37891',
        'urllib3',
        '2.0.7',
        '1.26.19, 2.2.2',
        'MEDIUM',
        4.4,
        V.proxy,
        'urllib3: proxy-authorization request header is not stripped during cross-origin redirects',
        'A Proxy-Authorization header set by hand is forwarded to the redirect target.',
        PY('urllib3', '2.0.7'),
      ],
      [
        'CVE-2023-50782',
        'cryptography',
        '41.0.7',
        '42.0.0',
        'HIGH',
        7.5,
        V.netC,
        'python-cryptography: Bleichenbacher timing oracle attack against RSA decryption - incomplete fix for CVE-2020-25659',
        'RSA PKCS#1 v1.5 decryption leaks timing that can reveal plaintext.',
        PY('cryptography', '41.0.7'),
      ],
      [
        'CVE-2024-26130',
        'cryptography',
        '41.0.7',
        '42.0.4',
        'HIGH',
        7.5,
        V.netA,
        'cryptography: NULL pointer dereference with pkcs12.serialize_key_and_certificates when called with a non-matching certificate and private key and an hmac_hash override',
        'Serialising a PKCS#12 bundle with a mismatched key and certificate crashes the process.',
        PY('cryptography', '41.0.7'),
      ],
      [
        'CVE-2024-0727',
        'cryptography',
        '41.0.7',
        '42.0.2',
        'MEDIUM',
        5.5,
        V.localA,
        'openssl: denial of service via null dereference',
        'A malformed PKCS#12 file can crash the bundled OpenSSL.',
        PY('cryptography', '41.0.7'),
      ],
      [
        'CVE-2024-22195',
        'jinja2',
        '3.1.2',
        '3.1.3',
        'MEDIUM',
        5.4,
        V.xss54,
        'jinja2: HTML attribute injection when passing user input as keys to xmlattr filter',
        'Keys containing spaces let user input inject extra HTML attributes.',
        PY('jinja2', '3.1.2'),
      ],
      [
        'CVE-2024-34064',
        'jinja2',
        '3.1.2',
        '3.1.4',
        'MEDIUM',
        5.4,
        V.xss54,
        'jinja2: accepts keys containing non-attribute characters',
        'The xmlattr filter still accepted keys with characters such as / > and =.',
        PY('jinja2', '3.1.2'),
      ],
      [
        'CVE-2024-3651',
        'idna',
        '3.4',
        '3.7',
        'MEDIUM',
        6.2,
        V.localA62,
        'python-idna: potential DoS via resource consumption via specially crafted inputs to idna.encode()',
        'Crafted arguments make idna.encode take quadratic time.',
        PY('idna', '3.4'),
      ],
      [
        'CVE-2024-1135',
        'gunicorn',
        '21.2.0',
        '22.0.0',
        'HIGH',
        7.5,
        V.netI,
        'python-gunicorn: HTTP Request Smuggling due to improper validation of Transfer-Encoding headers',
        'Conflicting Transfer-Encoding headers let requests be smuggled past a front-end proxy.',
        PY('gunicorn', '21.2.0'),
      ],
      [
        'CVE-2023-5752',
        'pip',
        '23.0.1',
        '23.3',
        'LOW',
        3.3,
        V.pip,
        'pip: Mercurial configuration injectable in repo revision when installing via pip',
        'A crafted revision in a Mercurial requirement URL can inject Mercurial configuration.',
        PY('pip', '23.0.1'),
      ],
    ],
  },
];
const OS_PACKAGES = new Set([
  'libcrypto3',
  'libssl3',
  'libexpat',
  'busybox',
  'libcurl',
  'zlib1g',
  'libc6',
  'libc-bin',
  'libexpat1',
  'perl-base',
  'libsqlite3-0',
  'libncursesw6',
]);
/** Severity label counts of an image (Prowler's ECR check reports them). */
function imageCounts(image) {
  const counts = {};
  for (const v of image.vulns) counts[v[4]] = (counts[v[4]] ?? 0) + 1;
  return ['CRITICAL', 'HIGH', 'MEDIUM']
    .filter((s) => counts[s])
    .map((s) => `${s}->${counts[s]}`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// Prowler results: production account (OCSF JSON) and shared-services account (CSV)
// ---------------------------------------------------------------------------------------------

const arn = (service, region, account, resource) => `arn:aws:${service}:${region}:${account}:${resource}`;

function prowlerScan(account) {
  const out = [];
  const add = (check, region, status, extended, res) => {
    if (!CHECKS[check]) throw new Error(`no metadata for ${check}`);
    out.push({ check, account, region, status, extended, res });
  };
  const acct = (region = USE1) => ({ uid: `arn:aws:iam::${account.id}:root`, name: account.id, tags: {}, region });
  const isProd = account === PROD;

  // Account-level checks (IAM is global: reported in us-east-1).
  add('iam_root_mfa_enabled', USE1, 'PASS', 'MFA is enabled for root account.', acct());
  add('iam_root_hardware_mfa_enabled', USE1, 'PASS', 'Root account has a hardware MFA device enabled.', acct());
  add('iam_no_root_access_key', USE1, 'PASS', 'Root account does not have access keys.', acct());
  const policy = { uid: arn('iam', USE1, account.id, 'password-policy'), name: 'password_policy', tags: {} };
  if (isProd) add('iam_password_policy_minimum_length_14', USE1, 'PASS', 'IAM password policy requires minimum length of 14 characters.', policy);
  else
    add(
      'iam_password_policy_minimum_length_14',
      USE1,
      'FAIL',
      'IAM password policy does not require minimum length of 14 characters (MinimumPasswordLength is 12).',
      policy,
    );
  add('iam_password_policy_reuse_24', USE1, 'PASS', 'IAM password policy reuse prevention is equal to 24.', policy);
  add('s3_account_level_public_access_blocks', USE1, 'PASS', `Block Public Access is configured for the account ${account.id}.`, {
    uid: arn('s3', USE1, account.id, 'account'),
    name: account.id,
    tags: {},
  });
  for (const check of [
    'account_maintain_current_contact_details',
    'account_security_contact_information_is_registered',
    'account_security_questions_are_registered_in_the_aws_account',
  ]) {
    add(check, USE1, 'MANUAL', CHECKS[check].manual, acct());
  }
  for (const region of [USE1, USW2]) {
    const analyzer = { uid: arn('access-analyzer', region, account.id, 'analyzer/acme-org-analyzer'), name: 'acme-org-analyzer', tags: {} };
    if (isProd && region === USW2)
      add('accessanalyzer_enabled', region, 'FAIL', `IAM Access Analyzer in account ${account.id} is not enabled.`, {
        uid: arn('access-analyzer', region, account.id, 'analyzer/unknown'),
        name: account.id,
        tags: {},
      });
    else add('accessanalyzer_enabled', region, 'PASS', 'IAM Access Analyzer acme-org-analyzer is enabled.', analyzer);
    add(
      'securityhub_enabled',
      region,
      'PASS',
      'Security Hub is enabled with standards: aws-foundational-security-best-practices/v/1.0.0, nist-800-53/v/5.0.0.',
      { uid: arn('securityhub', region, account.id, 'hub/default'), name: 'default', tags: {} },
    );
    const detector = hexOf(`detector:${account.id}:${region}`, 32);
    add('guardduty_is_enabled', region, 'PASS', `GuardDuty detector ${detector} enabled.`, {
      uid: arn('guardduty', region, account.id, `detector/${detector}`),
      name: detector,
      tags: tagsOf('secops', account),
    });
    const trail = { uid: arn('cloudtrail', USE1, SHARED.id, 'trail/acme-org-trail'), name: 'acme-org-trail', tags: tagsOf('secops', SHARED) };
    add('cloudtrail_multi_region_enabled', region, 'PASS', 'Trail acme-org-trail is multiregion and it is logging.', trail);
    add('ec2_ebs_default_encryption', region, 'PASS', 'EBS Default Encryption is activated.', {
      uid: arn('ec2', region, account.id, 'volume'),
      name: 'default-ebs-encryption',
      tags: {},
    });
  }
  const trail = { uid: arn('cloudtrail', USE1, SHARED.id, 'trail/acme-org-trail'), name: 'acme-org-trail', tags: tagsOf('secops', SHARED) };
  add('cloudtrail_log_file_validation_enabled', USE1, 'PASS', 'Trail acme-org-trail log file validation enabled.', trail);
  add('cloudtrail_kms_encryption_enabled', USE1, 'PASS', 'Trail acme-org-trail has encryption enabled.', trail);
  add('cloudtrail_cloudwatch_logging_enabled', USE1, 'PASS', 'Multiregion trail acme-org-trail has been logging the last 24h.', trail);
  if (isProd) {
    add(
      'cloudtrail_s3_dataevents_read_enabled',
      USE1,
      'PASS',
      'Trail acme-org-trail from home region us-east-1 has an advanced data event selector to record all S3 object-level API operations.',
      trail,
    );
    add(
      'cloudtrail_s3_dataevents_write_enabled',
      USE1,
      'PASS',
      'Trail acme-org-trail from home region us-east-1 has an advanced data event selector to record all S3 object-level API operations.',
      trail,
    );
    const ctGroup = {
      uid: arn('logs', USE1, account.id, 'log-group:aws-cloudtrail-logs-acme-org'),
      name: 'aws-cloudtrail-logs-acme-org',
      tags: tagsOf('secops', account),
    };
    for (const [check, what] of [
      ['cloudwatch_changes_to_network_acls_alarm_configured', 'NACL'],
      ['cloudwatch_changes_to_network_gateways_alarm_configured', 'network gateway'],
      ['cloudwatch_changes_to_network_route_tables_alarm_configured', 'route table'],
      ['cloudwatch_changes_to_vpcs_alarm_configured', 'VPC'],
    ]) {
      add(check, USE1, 'PASS', `CloudWatch log group aws-cloudtrail-logs-acme-org found with metric filter and alarm for ${what} changes.`, ctGroup);
    }
  }

  // VPCs.
  const vpcs = isProd
    ? [
        ['vpc-0c3f9a1e27b84d501', USE1],
        ['vpc-05e7d2b9c1a4f6083', USW2],
      ]
    : [['vpc-0a9d4e6f1b2c38714', USE1]];
  for (const [vpc, region] of vpcs)
    add('vpc_flow_logs_enabled', region, 'PASS', `VPC ${vpc} Flow logs are enabled.`, {
      uid: arn('ec2', region, account.id, `vpc/${vpc}`),
      name: vpc,
      tags: tagsOf('platform', account),
    });

  // IAM users.
  const users = isProd
    ? [
        ['breakglass-prod', true, false],
        ['svc-legacy-sftp', false, true],
      ]
    : [
        ['breakglass-shared', true, false],
        ['svc-terraform-legacy', false, true],
      ];
  for (const [name, console, key] of users) {
    const res = { uid: `arn:aws:iam::${account.id}:user/${name}`, name, tags: tagsOf(console ? 'secops' : isProd ? 'data' : 'platform', account) };
    add(
      'iam_user_mfa_enabled_console_access',
      USE1,
      'PASS',
      console ? `User ${name} has Console Password enabled and MFA enabled.` : `User ${name} does not have Console Password enabled.`,
      res,
    );
    if (console) add('iam_policy_attached_only_to_group_or_roles', USE1, 'FAIL', `User ${name} has the policy AdministratorAccess attached.`, res);
    else add('iam_policy_attached_only_to_group_or_roles', USE1, 'PASS', `User ${name} has no inline or attached policies.`, res);
    if (key) add('iam_rotate_access_key_90_days', USE1, 'FAIL', `User ${name} has not rotated access key 1 in over 90 days (${isProd ? 212 : 147} days).`, res);
    else add('iam_rotate_access_key_90_days', USE1, 'PASS', `User ${name} does not have access keys.`, res);
    add('iam_user_accesskey_unused', USE1, 'PASS', `User ${name} does not have unused access keys for 45 days.`, res);
  }

  // S3 buckets: [name, region, team, versioning, public-access result, cui].
  const buckets = isProd
    ? [
        ['acme-agc-prod-tenant-data', USE1, 'data', true, 'PASS', true],
        ['acme-agc-prod-tenant-data-usw2', USW2, 'data', true, 'PASS', true],
        ['acme-agc-prod-alb-logs', USE1, 'sre', false, 'PASS', false],
        ['acme-agc-prod-alb-logs-usw2', USW2, 'sre', true, 'PASS', false],
        ['acme-agc-prod-static-assets', USE1, 'web', true, 'FAIL', false],
        ['acme-agc-prod-backups', USE1, 'platform', true, 'PASS', true],
        ['acme-agc-prod-backups-usw2', USW2, 'platform', true, 'PASS', true],
        ['acme-agc-prod-athena-results', USE1, 'data', false, 'PASS', false],
      ]
    : [
        ['acme-shared-log-archive', USE1, 'secops', true, 'PASS', false],
        ['acme-shared-log-archive-usw2', USW2, 'secops', true, 'PASS', false],
        ['acme-shared-tfstate', USE1, 'platform', true, 'PASS', false],
        ['acme-shared-config-history', USE1, 'secops', true, 'PASS', false],
      ];
  for (const [name, region, team, versioning, pub, cui] of buckets) {
    const res = { uid: `arn:aws:s3:::${name}`, name, tags: tagsOf(team, account, cui ? { 'data-classification': 'cui' } : {}) };
    add('s3_bucket_default_encryption', region, 'PASS', `S3 Bucket ${name} has Server Side Encryption with aws:kms.`, res);
    add('s3_bucket_secure_transport_policy', region, 'PASS', `S3 Bucket ${name} has a bucket policy to deny requests over insecure transport.`, res);
    add(
      's3_bucket_public_access',
      region,
      pub,
      pub === 'PASS' ? `S3 Bucket ${name} is not public.` : `S3 Bucket ${name} has public access due to bucket policy.`,
      res,
    );
    add(
      's3_bucket_object_versioning',
      region,
      versioning ? 'PASS' : 'FAIL',
      versioning ? `S3 Bucket ${name} has versioning enabled.` : `S3 Bucket ${name} has versioning disabled.`,
      res,
    );
  }

  // KMS keys: [alias, region, rotation].
  const keys = isProd
    ? [
        ['agc-tenant-data', USE1, true],
        ['agc-logs', USE1, true],
        ['agc-backups', USE1, true],
        ['agc-backups-usw2', USW2, false],
      ]
    : [
        ['shared-log-archive', USE1, true],
        ['shared-tfstate', USE1, true],
      ];
  for (const [alias, region, rotation] of keys) {
    const id = kmsKeyId(account, alias);
    const res = {
      uid: kmsKeyArn(account, alias, region),
      name: id,
      tags: tagsOf(alias.includes('backups') || alias.includes('tfstate') ? 'platform' : alias.includes('log') ? 'secops' : 'data', account, { alias }),
    };
    add(
      'kms_cmk_rotation_enabled',
      region,
      rotation ? 'PASS' : 'FAIL',
      rotation ? `KMS key ${id} has automatic rotation enabled.` : `KMS key ${id} has automatic rotation disabled.`,
      res,
    );
  }

  // CloudWatch log groups: retention and KMS.
  const groups = isProd
    ? [
        ['/aws/eks/agc-prod-eks/cluster', USE1, 'platform'],
        ['/aws/rds/cluster/agc-core/postgresql', USE1, 'data'],
        ['/acme/agc/api', USE1, 'platform'],
        ['/aws/eks/agc-dr-eks/cluster', USW2, 'platform'],
      ]
    : [
        ['/aws/lambda/acme-okta-scim-sync', USE1, 'identity'],
        ['/aws/lambda/acme-guardduty-to-slack', USE1, 'secops'],
        ['aws-cloudtrail-logs-acme-org', USE1, 'secops'],
      ];
  for (const [name, region, team] of groups) {
    const res = { uid: arn('logs', region, account.id, `log-group:${name}`), name, tags: tagsOf(team, account) };
    add('cloudwatch_log_group_kms_encryption_enabled', region, 'PASS', `Log Group ${name} does have AWS KMS key associated.`, res);
    add(
      'cloudwatch_log_group_retention_policy_specific_days_enabled',
      region,
      'PASS',
      `Log Group ${name} has at least 365 days retention period (400 days).`,
      res,
    );
  }

  // EC2 instances and their volumes.
  const instances = isProd
    ? [
        ['agc-prod-eks-ng-general', USE1, 3],
        ['agc-dr-eks-ng-general', USW2, 2],
      ]
    : [['acme-gha-runner', USE1, 3]];
  for (const [group, region, count] of instances) {
    for (let i = 1; i <= count; i++) {
      const id = instanceId(account, group, i);
      const tags = tagsOf('platform', account, { Name: `${group}-${i}` });
      const res = { uid: arn('ec2', region, account.id, `instance/${id}`), name: id, tags };
      add('ec2_instance_imdsv2_enabled', region, 'PASS', `EC2 Instance ${id} has IMDSv2 enabled and required.`, res);
      add('ec2_instance_public_ip', region, 'PASS', `EC2 Instance ${id} does not have a Public IP.`, res);
      add('ec2_instance_managed_by_ssm', region, 'PASS', `EC2 Instance ${id} is managed by Systems Manager.`, res);
      const vol = volumeId(account, group, i);
      add('ec2_ebs_volume_encryption', region, 'PASS', `EBS Volume ${vol} is encrypted.`, {
        uid: arn('ec2', region, account.id, `volume/${vol}`),
        name: vol,
        tags,
      });
    }
  }

  if (isProd) {
    // Network.
    for (const [name, region] of [
      ['agc-alb-public', USE1],
      ['agc-eks-nodes', USE1],
      ['agc-rds-core', USE1],
      ['agc-alb-public-usw2', USW2],
      ['agc-eks-nodes-usw2', USW2],
    ]) {
      const id = sgId(name);
      add(
        'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22',
        region,
        'PASS',
        `Security group ${name} (${id}) does not have SSH port 22 (TCP) open to the Internet.`,
        { uid: arn('ec2', region, account.id, `security-group/${id}`), name: id, tags: tagsOf('platform', account, { Name: name }) },
      );
    }
    for (const [vpc, region] of vpcs) {
      const id = defaultSgId(vpc);
      add('ec2_securitygroup_default_restrict_traffic', region, 'PASS', `Default Security Group (${id}) rules are restricting all traffic.`, {
        uid: arn('ec2', region, account.id, `security-group/${id}`),
        name: id,
        tags: {},
      });
      const acl = `acl-0${hexOf(`acl:${vpc}`, 16)}`;
      add('ec2_networkacl_allow_ingress_any_port', region, 'PASS', `Network ACL ${acl} does not have every port open to the Internet.`, {
        uid: arn('ec2', region, account.id, `network-acl/${acl}`),
        name: acl,
        tags: tagsOf('platform', account),
      });
    }
    // EKS.
    for (const [name, region] of [
      ['agc-prod-eks', USE1],
      ['agc-dr-eks', USW2],
    ]) {
      add('eks_cluster_not_publicly_accessible', region, 'PASS', `EKS cluster ${name} is not publicly accessible.`, {
        uid: arn('eks', region, account.id, `cluster/${name}`),
        name,
        tags: tagsOf('platform', account, { 'data-classification': 'cui' }),
      });
    }
    // Load balancers: [name, region, insecure ciphers].
    for (const [name, region, insecure] of [
      ['agc-prod-public-alb', USE1, false],
      ['agc-partner-api-alb', USE1, true],
      ['agc-dr-public-alb', USW2, false],
    ]) {
      const res = { uid: albArn(account, name, region), name, tags: tagsOf(name.includes('partner') ? 'web' : 'sre', account) };
      add(
        'elbv2_insecure_ssl_ciphers',
        region,
        insecure ? 'FAIL' : 'PASS',
        insecure
          ? `ELBv2 ${name} has listeners with insecure SSL protocols or ciphers (ELBSecurityPolicy-2016-08).`
          : `ELBv2 ${name} does not have insecure SSL protocols or ciphers.`,
        res,
      );
      add('elbv2_logging_enabled', region, 'PASS', `ELBv2 ALB ${name} has access logs to S3 configured.`, res);
      add('elbv2_waf_acl_attached', region, 'PASS', `ELBv2 ALB ${name} is protected by WAFv2 Web ACL acme-agc-waf.`, res);
      add('elbv2_deletion_protection', region, 'PASS', `ELBv2 ${name} has deletion protection enabled.`, res);
    }
    // RDS: [instance, region, multiAz, deletionProtection].
    for (const [name, region, multiAz, protect] of [
      ['agc-core-db-1', USE1, true, true],
      ['agc-core-db-2', USE1, true, true],
      ['agc-reporting-db', USE1, false, false],
      ['agc-core-db-usw2-1', USW2, true, true],
    ]) {
      const res = { uid: arn('rds', region, account.id, `db:${name}`), name, tags: tagsOf('data', account, { 'data-classification': 'cui' }) };
      add('rds_instance_storage_encrypted', region, 'PASS', `RDS Instance ${name} is encrypted.`, res);
      add('rds_instance_no_public_access', region, 'PASS', `RDS Instance ${name} is not publicly accessible.`, res);
      add('rds_instance_backup_enabled', region, 'PASS', `RDS Instance ${name} has backup enabled with retention period 35 days.`, res);
      add(
        'rds_instance_multi_az',
        region,
        multiAz ? 'PASS' : 'FAIL',
        multiAz ? `RDS Instance ${name} has multi-AZ enabled.` : `RDS Instance ${name} does not have multi-AZ enabled.`,
        res,
      );
      add(
        'rds_instance_deletion_protection',
        region,
        protect ? 'PASS' : 'FAIL',
        protect ? `RDS Instance ${name} deletion protection is enabled.` : `RDS Instance ${name} deletion protection is not enabled.`,
        res,
      );
      add('rds_instance_enhanced_monitoring_enabled', region, 'PASS', `RDS Instance ${name} has enhanced monitoring enabled.`, res);
    }
    // DynamoDB: [table, pitr].
    for (const [name, pitr] of [
      ['agc-sessions', false],
      ['agc-feature-flags', true],
      ['agc-audit-events', true],
    ]) {
      const res = { uid: arn('dynamodb', USE1, account.id, `table/${name}`), name, tags: tagsOf(name === 'agc-audit-events' ? 'secops' : 'platform', account) };
      add(
        'dynamodb_tables_pitr_enabled',
        USE1,
        pitr ? 'PASS' : 'FAIL',
        pitr ? `DynamoDB table ${name} has point-in-time recovery enabled.` : `DynamoDB table ${name} does not have point-in-time recovery enabled.`,
        res,
      );
      add('dynamodb_tables_kms_cmk_encryption_enabled', USE1, 'PASS', `DynamoDB table ${name} has KMS encryption enabled with a customer managed key.`, res);
    }
    // Secrets: [name, rotation].
    for (const [name, rotation] of [
      ['agc/prod/db-master', true],
      ['agc/prod/okta-scim-token', false],
      ['agc/prod/partner-api-hmac', false],
    ]) {
      const res = {
        uid: secretArn(account, name),
        name,
        tags: tagsOf(name.includes('okta') ? 'identity' : name.includes('partner') ? 'web' : 'data', account),
      };
      add(
        'secretsmanager_automatic_rotation_enabled',
        USE1,
        rotation ? 'PASS' : 'FAIL',
        rotation ? `SecretsManager secret ${name} has rotation enabled.` : `SecretsManager secret ${name} has rotation disabled.`,
        res,
      );
    }
    // ECR.
    add('ecr_registry_scan_images_on_push_enabled', USE1, 'PASS', `ECR registry ${account.id} has ENHANCED scan with scan on push enabled.`, {
      uid: arn('ecr', USE1, account.id, 'registry'),
      name: account.id,
      tags: {},
    });
    for (const image of IMAGES) {
      add(
        'ecr_repositories_scan_vulnerabilities_in_latest_image',
        USE1,
        'FAIL',
        `ECR repository ${image.repo} has imageTag ${image.tag} scanned with findings: ${imageCounts(image)}.`,
        { uid: arn('ecr', USE1, account.id, `repository/${image.repo}`), name: image.repo, tags: tagsOf(image.team, account) },
      );
    }
  } else {
    // Lambda functions.
    for (const [name, team] of [
      ['acme-okta-scim-sync', 'identity'],
      ['acme-guardduty-to-slack', 'secops'],
    ]) {
      const res = { uid: arn('lambda', USE1, account.id, `function:${name}`), name, tags: tagsOf(team, account) };
      add('awslambda_function_not_publicly_accessible', USE1, 'PASS', `Lambda function ${name} has a resource-based policy without public access.`, res);
      add('awslambda_function_url_public', USE1, 'PASS', `Lambda function ${name} does not have a public URL.`, res);
    }
  }
  return out;
}

const RELATED_URL = {
  iam: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html',
  s3: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html',
  rds: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.Security.html',
  dynamodb: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/best-practices-security.html',
  ec2: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-security.html',
  ssm: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/managed_instances.html',
  eks: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
  elbv2: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html',
  cloudtrail: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html',
  cloudwatch: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
  kms: 'https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html',
  secretsmanager: 'https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html',
  guardduty: 'https://docs.aws.amazon.com/guardduty/latest/ug/what-is-guardduty.html',
  securityhub: 'https://docs.aws.amazon.com/securityhub/latest/userguide/what-is-securityhub.html',
  vpc: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html',
  awslambda: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-security.html',
  accessanalyzer: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/what-is-access-analyzer.html',
  account: '',
  ecr: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html',
};
const OCSF_SEVERITY = { informational: [1, 'Informational'], low: [2, 'Low'], medium: [3, 'Medium'], high: [4, 'High'], critical: [5, 'Critical'] };
const resourceNameOf = (r) => r.res.name;
const findingUid = (r) => `prowler-aws-${r.check}-${r.account.id}-${r.region}-${resourceNameOf(r)}`;

function toOcsf(r) {
  const m = CHECKS[r.check];
  const [severityId, severity] = OCSF_SEVERITY[m.sev];
  const epoch = Math.floor(Date.parse(`${OCSF_SCAN}Z`) / 1000);
  const references = [m.cli, `https://hub.prowler.com/check/${r.check}`].filter((x) => x);
  return {
    message: r.extended,
    metadata: {
      event_code: r.check,
      product: { name: 'Prowler', uid: 'prowler', vendor_name: 'Prowler', version: PROWLER_VERSION },
      profiles: ['cloud', 'datetime'],
      tenant_uid: '',
      version: '1.4.0',
    },
    severity_id: severityId,
    severity,
    status: 'New',
    status_code: r.status,
    status_detail: r.extended,
    status_id: 1,
    unmapped: {
      related_url: RELATED_URL[m.svc] ?? '',
      categories: [],
      depends_on: [],
      related_to: [],
      additional_urls: [],
      notes: '',
      compliance: prowlerCompliance(r.check),
    },
    activity_name: 'Create',
    activity_id: 1,
    finding_info: {
      created_time: epoch,
      created_time_dt: OCSF_SCAN,
      desc: m.desc,
      product_uid: 'prowler',
      title: m.title,
      types: m.ct,
      uid: findingUid(r),
    },
    resources: [
      {
        cloud_partition: 'aws',
        region: r.region,
        data: { details: '', metadata: { arn: r.res.uid, name: r.res.name, region: r.region } },
        group: { name: m.svc },
        labels: Object.entries(r.res.tags).map(([k, v]) => `${k}:${v}`),
        name: r.res.name,
        type: m.type,
        uid: r.res.uid,
      },
    ],
    category_name: 'Findings',
    category_uid: 2,
    class_name: 'Detection Finding',
    class_uid: 2004,
    cloud: {
      account: { name: r.account.name, type: 'AWS Account', type_id: 10, uid: r.account.id, labels: [] },
      org: { name: ORG.name, uid: ORG.id },
      provider: 'aws',
      region: r.region,
    },
    remediation: { desc: m.rec, references },
    risk_details: m.risk,
    time: epoch,
    time_dt: OCSF_SCAN,
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
  };
}

const CSV_COLUMNS = [
  'AUTH_METHOD',
  'TIMESTAMP',
  'ACCOUNT_UID',
  'ACCOUNT_NAME',
  'ACCOUNT_EMAIL',
  'ACCOUNT_ORGANIZATION_UID',
  'ACCOUNT_ORGANIZATION_NAME',
  'ACCOUNT_TAGS',
  'FINDING_UID',
  'PROVIDER',
  'CHECK_ID',
  'CHECK_TITLE',
  'CHECK_TYPE',
  'STATUS',
  'STATUS_EXTENDED',
  'MUTED',
  'SERVICE_NAME',
  'SUBSERVICE_NAME',
  'SEVERITY',
  'RESOURCE_TYPE',
  'RESOURCE_UID',
  'RESOURCE_NAME',
  'RESOURCE_DETAILS',
  'RESOURCE_TAGS',
  'PARTITION',
  'REGION',
  'DESCRIPTION',
  'RISK',
  'RELATED_URL',
  'REMEDIATION_RECOMMENDATION_TEXT',
  'REMEDIATION_RECOMMENDATION_URL',
  'REMEDIATION_CODE_NATIVEIAC',
  'REMEDIATION_CODE_TERRAFORM',
  'REMEDIATION_CODE_CLI',
  'REMEDIATION_CODE_OTHER',
  'COMPLIANCE',
  'CATEGORIES',
  'DEPENDS_ON',
  'RELATED_TO',
  'NOTES',
  'PROWLER_VERSION',
  'ADDITIONAL_URLS',
];

/** Python csv.writer quoting (QUOTE_MINIMAL) with ';' as delimiter, as Prowler writes it. */
const csvField = (value) => (/[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

function toCsvRow(r) {
  const m = CHECKS[r.check];
  const compliance = Object.entries(prowlerCompliance(r.check))
    .map(([k, v]) => `${k}: ${v.join(', ')}`)
    .join(' | ');
  const row = {
    AUTH_METHOD: 'profile: acme-shared-audit',
    TIMESTAMP: CSV_SCAN,
    ACCOUNT_UID: r.account.id,
    ACCOUNT_NAME: r.account.name,
    ACCOUNT_EMAIL: r.account.email,
    ACCOUNT_ORGANIZATION_UID: ORG.id,
    ACCOUNT_ORGANIZATION_NAME: ORG.name,
    ACCOUNT_TAGS: 'environment=shared | cost-center=SEC-1200',
    FINDING_UID: findingUid(r),
    PROVIDER: 'aws',
    CHECK_ID: r.check,
    CHECK_TITLE: m.title,
    CHECK_TYPE: m.ct.join(' | '),
    STATUS: r.status,
    STATUS_EXTENDED: r.extended,
    MUTED: 'False',
    SERVICE_NAME: m.svc,
    SUBSERVICE_NAME: '',
    SEVERITY: m.sev,
    RESOURCE_TYPE: m.type,
    RESOURCE_UID: r.res.uid,
    RESOURCE_NAME: r.res.name,
    RESOURCE_DETAILS: '',
    RESOURCE_TAGS: Object.entries(r.res.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(' | '),
    PARTITION: 'aws',
    REGION: r.region,
    DESCRIPTION: m.desc,
    RISK: m.risk,
    RELATED_URL: RELATED_URL[m.svc] ?? '',
    REMEDIATION_RECOMMENDATION_TEXT: m.rec,
    REMEDIATION_RECOMMENDATION_URL: `https://hub.prowler.com/check/${r.check}`,
    REMEDIATION_CODE_NATIVEIAC: '',
    REMEDIATION_CODE_TERRAFORM: '',
    REMEDIATION_CODE_CLI: m.cli,
    REMEDIATION_CODE_OTHER: '',
    COMPLIANCE: compliance,
    CATEGORIES: '',
    DEPENDS_ON: '',
    RELATED_TO: '',
    NOTES: '',
    PROWLER_VERSION: PROWLER_VERSION,
    ADDITIONAL_URLS: '',
  };
  return CSV_COLUMNS.map((c) => csvField(row[c])).join(';');
}

// ---------------------------------------------------------------------------------------------
// AWS Security Hub (consolidated control findings, NIST SP 800-53 rev5 + FSBP standards)
// ---------------------------------------------------------------------------------------------

const r5 = (ids) => ids.split(' ').map((id) => `NIST.800-53.r5 ${id}`);
const SH_CONTROLS = {
  'IAM.2': {
    title: 'IAM users should not have IAM policies attached',
    sev: 'LOW',
    rule: 'iam-user-no-policies-check',
    desc: 'This control checks whether IAM users receive permissions only through groups or roles.',
    rel: r5('AC-2 AC-2(1) AC-3 AC-3(15) AC-3(7) AC-6 AC-6(3)'),
  },
  'IAM.3': {
    title: "IAM users' access keys should be rotated every 90 days or less",
    sev: 'MEDIUM',
    rule: 'access-keys-rotated',
    desc: 'This control checks whether active access keys are rotated within 90 days.',
    rel: r5('AC-2(1) AC-2(3) AC-3(15)'),
  },
  'IAM.4': {
    title: 'IAM root user access key should not exist',
    sev: 'CRITICAL',
    rule: 'iam-root-access-key-check',
    desc: 'This control checks whether the root user has an access key.',
    rel: r5('AC-2(1) AC-3(15) AC-3(7) AC-6 AC-6(10) AC-6(2)'),
  },
  'IAM.6': {
    title: 'Hardware MFA should be enabled for the root user',
    sev: 'CRITICAL',
    rule: 'root-account-hardware-mfa-enabled',
    desc: 'This control checks whether the root user signs in with a hardware MFA device.',
    rel: r5('AC-2(1) AC-3(15) IA-2(1) IA-2(2) IA-2(6) IA-2(8)'),
  },
  'IAM.7': {
    title: 'Password policies for IAM users should have strong configurations',
    sev: 'MEDIUM',
    rule: 'iam-password-policy',
    desc: 'This control checks whether the account password policy meets the configured strength parameters (minimum length 14).',
    rel: r5('AC-2(1) AC-2(3) AC-3(15) IA-5(1)'),
  },
  'IAM.9': {
    title: 'MFA should be enabled for the root user',
    sev: 'CRITICAL',
    rule: 'root-account-mfa-enabled',
    desc: 'This control checks whether the root user has MFA enabled.',
    rel: r5('AC-2(1) AC-3(15) IA-2(1) IA-2(2) IA-2(6) IA-2(8)'),
  },
  'Config.1': {
    title: 'AWS Config should be enabled and use the service-linked role for resource recording',
    sev: 'CRITICAL',
    rule: 'config-enabled',
    desc: 'This control checks whether AWS Config records all supported resources with the service-linked role.',
    rel: r5('CM-3 CM-6(1) CM-8 CM-8(2)'),
  },
  'GuardDuty.1': {
    title: 'GuardDuty should be enabled',
    sev: 'HIGH',
    rule: 'guardduty-enabled-centralized',
    desc: 'This control checks whether GuardDuty is enabled in the account and region.',
    rel: r5('AC-2(12) AU-6(1) AU-6(5) CA-7 CM-8(3) RA-3(4) SC-5 SI-4 SI-4(1) SI-4(2) SI-4(4) SI-4(5)'),
  },
  'CloudTrail.1': {
    title: 'CloudTrail should be enabled and configured with at least one multi-Region trail that includes read and write management events',
    sev: 'HIGH',
    rule: 'multi-region-cloudtrail-enabled',
    desc: 'This control checks for a multi-Region trail capturing read and write management events.',
    rel: r5('AC-2(4) AC-4(26) AC-6(9) AU-10 AU-12 AU-2 AU-3 AU-6(3) AU-6(4) CA-7 SC-7(9) SI-7(8)'),
  },
  'CloudTrail.2': {
    title: 'CloudTrail should have encryption at-rest enabled',
    sev: 'MEDIUM',
    rule: 'cloud-trail-encryption-enabled',
    desc: 'This control checks whether the trail encrypts log files with SSE-KMS.',
    rel: r5('AU-9 CA-9(1) CM-3(6) SC-13 SC-28 SC-28(1) SC-7(10) SI-7(6)'),
  },
  'CloudTrail.4': {
    title: 'CloudTrail log file validation should be enabled',
    sev: 'LOW',
    rule: 'cloud-trail-log-file-validation-enabled',
    desc: 'This control checks whether log file integrity validation is enabled on the trail.',
    rel: r5('AU-9 SI-4 SI-7(1) SI-7(3) SI-7(7)'),
  },
  'CloudTrail.5': {
    title: 'CloudTrail trails should be integrated with Amazon CloudWatch Logs',
    sev: 'LOW',
    rule: 'cloud-trail-cloud-watch-logs-enabled',
    desc: 'This control checks whether the trail sends events to CloudWatch Logs.',
    rel: r5('AC-2(4) AC-4(26) AC-6(9) AU-10 AU-12 AU-2 AU-3 AU-6(1) AU-6(3) AU-6(4) AU-6(5) AU-7(1) CA-7 SI-4(5) SI-7(8)'),
  },
  'EC2.2': {
    title: 'VPC default security groups should not allow inbound or outbound traffic',
    sev: 'HIGH',
    rule: 'vpc-default-security-group-closed',
    desc: 'This control checks whether the default security group of a VPC allows traffic.',
    rel: r5('AC-4 AC-4(21) SC-7 SC-7(11) SC-7(16) SC-7(21) SC-7(4) SC-7(5)'),
  },
  'EC2.6': {
    title: 'VPC flow logging should be enabled in all VPCs',
    sev: 'MEDIUM',
    rule: 'vpc-flow-logs-enabled',
    desc: 'This control checks whether VPC flow logs are enabled.',
    rel: r5('AC-4(26) AU-12 AU-2 AU-3 AU-6(3) AU-6(4) CA-7 SI-7(8)'),
  },
  'EC2.8': {
    title: 'EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)',
    sev: 'HIGH',
    rule: 'ec2-imdsv2-check',
    desc: 'This control checks whether the instance requires IMDSv2.',
    rel: r5('AC-3 AC-3(15) AC-3(7) AC-6 SC-7 SC-7(11) SC-7(16) SC-7(20) SC-7(21) SC-7(3) SC-7(4)'),
  },
  'EC2.19': {
    title: 'Security groups should not allow unrestricted access to ports with high risk',
    sev: 'CRITICAL',
    rule: 'vpc-sg-restricted-common-ports',
    desc: 'This control checks whether security groups allow unrestricted inbound traffic to high-risk ports.',
    rel: r5('AC-4 AC-4(21) CM-7 SC-7 SC-7(11) SC-7(16) SC-7(21) SC-7(4) SC-7(5)'),
  },
  'EKS.1': {
    title: 'EKS cluster endpoints should not be publicly accessible',
    sev: 'HIGH',
    rule: 'eks-endpoint-no-public-access',
    desc: 'This control checks whether the EKS cluster API endpoint is publicly accessible.',
    rel: r5('AC-21 AC-3 AC-3(7) AC-4 AC-4(21) AC-6 SC-7 SC-7(11) SC-7(16) SC-7(20) SC-7(21) SC-7(3) SC-7(4) SC-7(9)'),
  },
  'EKS.2': {
    title: 'EKS clusters should run on a supported Kubernetes version',
    sev: 'HIGH',
    rule: 'eks-cluster-supported-version',
    desc: 'This control checks whether the EKS cluster runs a Kubernetes version in standard support.',
    rel: r5('CA-9(1) CM-2 SI-2 SI-2(2) SI-2(4) SI-2(5)'),
  },
  'EKS.8': {
    title: 'EKS clusters should have audit logging enabled',
    sev: 'MEDIUM',
    rule: 'eks-cluster-log-enabled',
    desc: 'This control checks whether control plane audit logging is enabled.',
    rel: r5('AC-2(12) AC-2(4) AC-4(26) AC-6(9) AU-10 AU-12 AU-2 AU-3 AU-6(3) AU-6(4) CA-7 SC-7(9) SI-3(8) SI-4(20) SI-7(8)'),
  },
  'RDS.3': {
    title: 'RDS DB instances should have encryption at-rest enabled',
    sev: 'MEDIUM',
    rule: 'rds-storage-encrypted',
    desc: 'This control checks whether storage encryption is enabled on the DB instance.',
    rel: r5('CA-9(1) CM-3(6) SC-13 SC-28 SC-28(1) SC-7(10) SI-7(6)'),
  },
  'RDS.5': {
    title: 'RDS DB instances should be configured with multiple Availability Zones',
    sev: 'MEDIUM',
    rule: 'rds-multi-az-support',
    desc: 'This control checks whether high availability across Availability Zones is enabled.',
    rel: r5('CP-10 CP-2(2) CP-6(2) SC-36 SC-5(2) SI-13(5)'),
  },
  'RDS.8': {
    title: 'RDS DB instances should have deletion protection enabled',
    sev: 'LOW',
    rule: 'rds-instance-deletion-protection-enabled',
    desc: 'This control checks whether deletion protection is enabled on the DB instance.',
    rel: r5('CM-3 SC-5(2) SI-13(5)'),
  },
  'DynamoDB.2': {
    title: 'DynamoDB tables should have point-in-time recovery enabled',
    sev: 'MEDIUM',
    rule: 'dynamodb-pitr-enabled',
    desc: 'This control checks whether point-in-time recovery is enabled on the table.',
    rel: r5('CP-10 CP-6(2) CP-9 SC-5(2) SI-12 SI-13(5)'),
  },
  'KMS.4': {
    title: 'AWS KMS key rotation should be enabled',
    sev: 'MEDIUM',
    rule: 'cmk-backing-key-rotation-enabled',
    desc: 'This control checks whether automatic rotation is enabled for the customer managed key.',
    rel: r5('AU-9 SC-12 SC-12(2) SC-28(3)'),
  },
  'SecretsManager.1': {
    title: 'Secrets Manager secrets should have automatic rotation enabled',
    sev: 'MEDIUM',
    rule: 'secretsmanager-rotation-enabled-check',
    desc: 'This control checks whether the secret is rotated automatically.',
    rel: r5('AC-2(1) AC-3(15)'),
  },
  'ELB.5': {
    title: 'Application and Classic Load Balancers logging should be enabled',
    sev: 'MEDIUM',
    rule: 'elb-logging-enabled',
    desc: 'This control checks whether access logging is enabled on the load balancer.',
    rel: r5('AC-4(26) AU-10 AU-12 AU-2 AU-3 AU-6(3) AU-6(4) CA-7 SC-7(9) SI-7(8)'),
  },
  'ECR.1': {
    title: 'ECR private repositories should have image scanning configured',
    sev: 'HIGH',
    rule: 'ecr-private-image-scanning-enabled',
    desc: 'This control checks whether image scanning is configured for the repository.',
    rel: r5('RA-5'),
  },
  'ECR.3': {
    title: 'ECR repositories should have at least one lifecycle policy configured',
    sev: 'MEDIUM',
    rule: 'ecr-private-lifecycle-policy-configured',
    desc: 'This control checks whether the repository has a lifecycle policy.',
    rel: r5('CM-8(1)'),
  },
  'Lambda.2': {
    title: 'Lambda functions should use supported runtimes',
    sev: 'MEDIUM',
    rule: 'lambda-function-settings-check',
    desc: 'This control checks whether the function runtime is still supported.',
    rel: r5('CM-2 CM-2(2) SA-3 SI-2'),
  },
  'S3.5': {
    title: 'S3 general purpose buckets should require requests to use SSL',
    sev: 'MEDIUM',
    rule: 's3-bucket-ssl-requests-only',
    desc: 'This control checks whether the bucket policy requires requests to use SSL.',
    rel: r5('AC-17(2) AC-4 IA-5(1) SC-12(3) SC-13 SC-23 SC-23(3) SC-7(4) SC-8 SC-8(1) SC-8(2) SI-7(6)'),
  },
  'S3.8': {
    title: 'S3 general purpose buckets should block public access',
    sev: 'HIGH',
    rule: 's3-bucket-level-public-access-prohibited',
    desc: 'This control checks whether bucket-level Block Public Access settings are enabled.',
    rel: r5('AC-21 AC-3 AC-3(7) AC-4 AC-4(21) AC-6 SC-7 SC-7(11) SC-7(16) SC-7(20) SC-7(21) SC-7(3) SC-7(4) SC-7(9)'),
  },
  'S3.9': {
    title: 'S3 general purpose buckets should have server access logging enabled',
    sev: 'MEDIUM',
    rule: 's3-bucket-logging-enabled',
    desc: 'This control checks whether server access logging is enabled on the bucket.',
    rel: r5('AC-2(4) AC-4(26) AC-6(9) AU-10 AU-12 AU-2 AU-3 AU-6(3) AU-6(4) CA-7 SC-7(9) SI-7(8)'),
  },
  'S3.14': {
    title: 'S3 general purpose buckets should have versioning enabled',
    sev: 'LOW',
    rule: 's3-bucket-versioning-enabled',
    desc: 'This control checks whether versioning is enabled on the bucket.',
    rel: r5('AU-9(2) CP-10 CP-6 CP-6(1) CP-6(2) CP-9 SC-5(2) SI-12 SI-13(5)'),
  },
};
const SH_NORMALIZED = { CRITICAL: 90, HIGH: 70, MEDIUM: 40, LOW: 1, INFORMATIONAL: 0 };
const SH_TYPES = ['Software and Configuration Checks/Industry and Regulatory Standards'];

function securityHubFindings() {
  const out = [];
  const add = (control, account, region, resource, passed, reason) => out.push({ control, account, region, resource, passed, reason });
  const account = (a, region) => ({ Type: 'AwsAccount', Id: `AWS::::Account:${a.id}`, Region: region });
  const user = (a, name, team) => ({ Type: 'AwsIamUser', Id: `arn:aws:iam::${a.id}:user/${name}`, Region: USE1, Tags: tagsOf(team, a) });
  const bucket = (a, name, region, team) => ({ Type: 'AwsS3Bucket', Id: `arn:aws:s3:::${name}`, Region: region, Tags: tagsOf(team, a) });

  for (const a of [PROD, SHARED]) {
    const isProd = a === PROD;
    for (const c of ['IAM.6', 'IAM.9', 'IAM.4']) add(c, a, USE1, account(a, USE1), true);
    add('IAM.7', a, USE1, account(a, USE1), isProd, isProd ? undefined : 'MinimumPasswordLength is 12; the control parameter requires 14.');
    for (const region of [USE1, USW2]) {
      add('Config.1', a, region, account(a, region), true);
      add('GuardDuty.1', a, region, account(a, region), true);
      add('CloudTrail.1', a, region, account(a, region), true);
    }
    const [breakglass, svc] = isProd ? ['breakglass-prod', 'svc-legacy-sftp'] : ['breakglass-shared', 'svc-terraform-legacy'];
    add('IAM.2', a, USE1, user(a, breakglass, 'secops'), false, 'AdministratorAccess is attached directly to the user.');
    add('IAM.2', a, USE1, user(a, svc, isProd ? 'data' : 'platform'), true);
    add('IAM.3', a, USE1, user(a, svc, isProd ? 'data' : 'platform'), false, `Access key 1 is ${isProd ? 212 : 147} days old.`);
  }

  // Shared services: the organization trail, its buckets, Lambda functions, CI runners.
  const trail = { Type: 'AwsCloudTrailTrail', Id: arn('cloudtrail', USE1, SHARED.id, 'trail/acme-org-trail'), Region: USE1, Tags: tagsOf('secops', SHARED) };
  for (const c of ['CloudTrail.2', 'CloudTrail.4', 'CloudTrail.5']) add(c, SHARED, USE1, trail, true);
  for (const name of ['acme-shared-log-archive', 'acme-shared-tfstate']) {
    const team = name.includes('tfstate') ? 'platform' : 'secops';
    add('S3.5', SHARED, USE1, bucket(SHARED, name, USE1, team), true);
    add('S3.14', SHARED, USE1, bucket(SHARED, name, USE1, team), true);
  }
  for (const [name, team, supported] of [
    ['acme-okta-scim-sync', 'identity', true],
    ['acme-guardduty-to-slack', 'secops', false],
  ]) {
    add(
      'Lambda.2',
      SHARED,
      USE1,
      { Type: 'AwsLambdaFunction', Id: arn('lambda', USE1, SHARED.id, `function:${name}`), Region: USE1, Tags: tagsOf(team, SHARED) },
      supported,
      supported ? undefined : 'Runtime python3.9 is deprecated.',
    );
  }

  // Production.
  const P = PROD;
  for (const [name, region, team, versioning, logging] of [
    ['acme-agc-prod-tenant-data', USE1, 'data', true, true],
    ['acme-agc-prod-alb-logs', USE1, 'sre', false, false],
    ['acme-agc-prod-static-assets', USE1, 'web', true, true],
    ['acme-agc-prod-athena-results', USE1, 'data', false, false],
  ]) {
    add('S3.5', P, region, bucket(P, name, region, team), true);
    add('S3.8', P, region, bucket(P, name, region, team), true);
    add('S3.9', P, region, bucket(P, name, region, team), logging, logging ? undefined : 'Server access logging is not enabled.');
    add('S3.14', P, region, bucket(P, name, region, team), versioning, versioning ? undefined : 'Versioning is suspended or was never enabled.');
  }
  for (const [vpc, region] of [
    ['vpc-0c3f9a1e27b84d501', USE1],
    ['vpc-05e7d2b9c1a4f6083', USW2],
  ]) {
    add('EC2.6', P, region, { Type: 'AwsEc2Vpc', Id: arn('ec2', region, P.id, `vpc/${vpc}`), Region: region, Tags: tagsOf('platform', P) }, true);
    add('EC2.2', P, region, { Type: 'AwsEc2SecurityGroup', Id: arn('ec2', region, P.id, `security-group/${defaultSgId(vpc)}`), Region: region }, true);
  }
  for (const [name, region] of [
    ['agc-alb-public', USE1],
    ['agc-eks-nodes', USE1],
    ['agc-rds-core', USE1],
  ]) {
    add(
      'EC2.19',
      P,
      region,
      {
        Type: 'AwsEc2SecurityGroup',
        Id: arn('ec2', region, P.id, `security-group/${sgId(name)}`),
        Region: region,
        Tags: tagsOf('platform', P, { Name: name }),
      },
      true,
    );
  }
  for (let i = 1; i <= 3; i++) {
    add(
      'EC2.8',
      P,
      USE1,
      {
        Type: 'AwsEc2Instance',
        Id: arn('ec2', USE1, P.id, `instance/${instanceId(P, 'agc-prod-eks-ng-general', i)}`),
        Region: USE1,
        Tags: tagsOf('platform', P, { Name: `agc-prod-eks-ng-general-${i}` }),
      },
      true,
    );
  }
  for (const [name, region, supported] of [
    ['agc-prod-eks', USE1, true],
    ['agc-dr-eks', USW2, false],
  ]) {
    const res = {
      Type: 'AwsEksCluster',
      Id: arn('eks', region, P.id, `cluster/${name}`),
      Region: region,
      Tags: tagsOf('platform', P, { 'data-classification': 'cui' }),
    };
    add('EKS.1', P, region, res, true);
    add('EKS.2', P, region, res, supported, supported ? undefined : 'Cluster runs Kubernetes 1.30, which left extended support on 2026-07-23.');
    add('EKS.8', P, region, res, true);
  }
  for (const [name, region, multiAz, protect] of [
    ['agc-core-db-1', USE1, true, true],
    ['agc-core-db-2', USE1, true, true],
    ['agc-reporting-db', USE1, false, false],
    ['agc-core-db-usw2-1', USW2, true, true],
  ]) {
    const res = {
      Type: 'AwsRdsDbInstance',
      Id: arn('rds', region, P.id, `db:${name}`),
      Region: region,
      Tags: tagsOf('data', P, { 'data-classification': 'cui' }),
    };
    add('RDS.3', P, region, res, true);
    add('RDS.5', P, region, res, multiAz, multiAz ? undefined : 'MultiAZ is false.');
    if (name === 'agc-core-db-1' || name === 'agc-reporting-db') add('RDS.8', P, region, res, protect, protect ? undefined : 'DeletionProtection is false.');
  }
  for (const [name, pitr] of [
    ['agc-sessions', false],
    ['agc-feature-flags', true],
    ['agc-audit-events', true],
  ]) {
    add(
      'DynamoDB.2',
      P,
      USE1,
      {
        Type: 'AwsDynamoDbTable',
        Id: arn('dynamodb', USE1, P.id, `table/${name}`),
        Region: USE1,
        Tags: tagsOf(name === 'agc-audit-events' ? 'secops' : 'platform', P),
      },
      pitr,
      pitr ? undefined : 'Point-in-time recovery is disabled.',
    );
  }
  for (const [alias, region, rotation] of [
    ['agc-tenant-data', USE1, true],
    ['agc-logs', USE1, true],
    ['agc-backups', USE1, true],
    ['agc-backups-usw2', USW2, false],
  ]) {
    add(
      'KMS.4',
      P,
      region,
      {
        Type: 'AwsKmsKey',
        Id: kmsKeyArn(P, alias, region),
        Region: region,
        Tags: tagsOf(alias.includes('backups') ? 'platform' : alias.includes('log') ? 'secops' : 'data', P, { alias }),
      },
      rotation,
      rotation ? undefined : 'Automatic key rotation is disabled.',
    );
  }
  for (const [name, rotation] of [
    ['agc/prod/db-master', true],
    ['agc/prod/okta-scim-token', false],
    ['agc/prod/partner-api-hmac', false],
  ]) {
    add(
      'SecretsManager.1',
      P,
      USE1,
      {
        Type: 'AwsSecretsManagerSecret',
        Id: secretArn(P, name),
        Region: USE1,
        Tags: tagsOf(name.includes('okta') ? 'identity' : name.includes('partner') ? 'web' : 'data', P),
      },
      rotation,
      rotation ? undefined : 'Automatic rotation is not configured.',
    );
  }
  for (const [name, region] of [
    ['agc-prod-public-alb', USE1],
    ['agc-partner-api-alb', USE1],
    ['agc-dr-public-alb', USW2],
  ]) {
    const res = { Type: 'AwsElbv2LoadBalancer', Id: albArn(P, name, region), Region: region, Tags: tagsOf(name.includes('partner') ? 'web' : 'sre', P) };
    add('ELB.5', P, region, res, true);
  }
  for (const image of IMAGES) {
    const res = { Type: 'AwsEcrRepository', Id: arn('ecr', USE1, P.id, `repository/${image.repo}`), Region: USE1, Tags: tagsOf(image.team, P) };
    add('ECR.1', P, USE1, res, true);
    add('ECR.3', P, USE1, res, image.repo !== 'acme-agc/worker', image.repo === 'acme-agc/worker' ? 'No lifecycle policy is configured.' : undefined);
  }
  return out;
}

function toAsff(f) {
  const c = SH_CONTROLS[f.control];
  const key = `${f.control}|${f.account.id}|${f.region}|${f.resource.Id}`;
  const id = `arn:aws:securityhub:${f.region}:${f.account.id}:security-control/${f.control}/finding/${uuidOf(`sh:${key}`)}`;
  const first = instant('2026-10-01', intOf(`first:${key}`, 50), `first:${key}`);
  const last = instant(SECURITYHUB_EXPORT_DAY, 0, `last:${key}`);
  const label = f.passed ? 'INFORMATIONAL' : c.sev;
  const resource = { Type: f.resource.Type, Id: f.resource.Id, Partition: 'aws', Region: f.resource.Region };
  if (f.resource.Tags && Object.keys(f.resource.Tags).length > 0) resource.Tags = f.resource.Tags;
  const compliance = {
    Status: f.passed ? 'PASSED' : 'FAILED',
    RelatedRequirements: c.rel,
    SecurityControlId: f.control,
    AssociatedStandards: [{ StandardsId: 'standards/aws-foundational-security-best-practices/v/1.0.0' }, { StandardsId: 'standards/nist-800-53/v/5.0.0' }],
  };
  if (f.reason) compliance.StatusReasons = [{ ReasonCode: 'CONFIG_EVALUATIONS_NON_COMPLIANT', Description: f.reason }];
  return {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: `arn:aws:securityhub:${f.region}::product/aws/securityhub`,
    ProductName: 'Security Hub',
    CompanyName: 'AWS',
    Region: f.region,
    GeneratorId: `security-control/${f.control}`,
    AwsAccountId: f.account.id,
    Types: SH_TYPES,
    FirstObservedAt: first,
    LastObservedAt: last,
    CreatedAt: first,
    UpdatedAt: last,
    Severity: { Label: label, Normalized: SH_NORMALIZED[label], Original: label },
    Title: c.title,
    Description: c.desc,
    Remediation: {
      Recommendation: {
        Text: 'For information on how to correct this issue, consult the AWS Security Hub controls documentation.',
        Url: `https://docs.aws.amazon.com/console/securityhub/${f.control}/remediation`,
      },
    },
    ProductFields: {
      'RelatedAWSResources:0/name': `securityhub-${c.rule}-${hexOf(`rule:${f.account.id}:${f.region}:${c.rule}`, 8)}`,
      'RelatedAWSResources:0/type': 'AWS::Config::ConfigRule',
      ControlId: f.control,
      'aws/securityhub/ProductName': 'Security Hub',
      'aws/securityhub/CompanyName': 'AWS',
      'Resources:0/Id': f.resource.Id,
      'aws/securityhub/FindingId': `arn:aws:securityhub:${f.region}::product/aws/securityhub/${id}`,
    },
    Resources: [resource],
    Compliance: compliance,
    WorkflowState: 'NEW',
    Workflow: { Status: f.passed ? 'RESOLVED' : 'NEW' },
    RecordState: 'ACTIVE',
    FindingProviderFields: { Severity: { Label: label, Original: label }, Types: SH_TYPES },
  };
}

// ---------------------------------------------------------------------------------------------
// Trivy SARIF: one run per image, as `trivy image --format sarif` writes it; the three runs are
// merged into one log (SARIF allows several runs) by Acme's CI.
// ---------------------------------------------------------------------------------------------

function trivyRun(image) {
  const imageName = `${REGISTRY}/${image.repo}:${image.tag}`;
  const rules = [];
  const ruleIndex = new Map();
  const results = [];
  for (const [id, pkg, installed, fixed, label, score, vector, title, description, pkgPath, v4score] of image.vulns) {
    const os = OS_PACKAGES.has(pkg);
    const uri = os ? image.repo : (pkgPath ?? image.lang.target);
    const url = `https://avd.aquasec.com/nvd/${id.toLowerCase()}`;
    const securitySeverity = score !== null ? score.toFixed(1) : { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '2.0' }[label];
    if (!ruleIndex.has(id)) {
      ruleIndex.set(id, rules.length);
      const properties = { precision: 'very-high', 'security-severity': securitySeverity, tags: ['vulnerability', 'security', label] };
      if (score !== null) Object.assign(properties, { cvssv3_baseScore: score, cvssv3_vector: vector });
      else Object.assign(properties, { cvssv40_baseScore: v4score, cvssv40_vector: vector });
      rules.push({
        id,
        name: os ? 'OsPackageVulnerability' : 'LanguageSpecificPackageVulnerability',
        shortDescription: { text: title },
        fullDescription: { text: description },
        defaultConfiguration: { level: { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note' }[label] },
        helpUri: url,
        help: {
          text: `Vulnerability ${id}\nSeverity: ${label}\nPackage: ${pkg}\nFixed Version: ${fixed}\nLink: [${id}](${url})\n${description}`,
          markdown: `**Vulnerability ${id}**\n| Severity | Package | Fixed Version | Link |\n| --- | --- | --- | --- |\n|${label}|${pkg}|${fixed}|[${id}](${url})|\n\n${description}`,
        },
        properties,
      });
    }
    results.push({
      ruleId: id,
      ruleIndex: ruleIndex.get(id),
      level: { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note' }[label],
      message: {
        text: `Package: ${pkg}\nInstalled Version: ${installed}\nVulnerability ${id}\nSeverity: ${label}\nFixed Version: ${fixed}\nLink: [${id}](${url})`,
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri, uriBaseId: 'ROOTPATH' },
            region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
          },
          message: { text: `${uri}: ${pkg}@${installed}` },
        },
      ],
    });
  }
  const digest = sha256(`image:${imageName}`);
  return {
    tool: {
      driver: {
        fullName: 'Trivy Vulnerability Scanner',
        informationUri: 'https://github.com/aquasecurity/trivy',
        name: 'Trivy',
        rules,
        version: TRIVY_VERSION,
      },
    },
    results,
    columnKind: 'utf16CodeUnits',
    properties: {
      imageID: `sha256:${sha256(`config:${imageName}`)}`,
      imageName,
      repoDigests: [`${REGISTRY}/${image.repo}@sha256:${digest}`],
      repoTags: [imageName],
    },
  };
}

function trivySarif() {
  return {
    version: '2.1.0',
    $schema: 'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json',
    runs: IMAGES.map(trivyRun),
  };
}

// ---------------------------------------------------------------------------------------------
// Infracast native export: Acme's compliance collector (Okta, GitHub, EKS posture, endpoint MDM,
// internal checks) plus two imported application-security findings.
// ---------------------------------------------------------------------------------------------

const COLLECTOR = { name: 'acme-compliance-collector', version: '2.3.1' };
const OKTA = 'acme-gov.okta.com';

function nativeFindings() {
  const out = [];
  const add = (f) => {
    const key = `${f.rule_id}|${f.resource.id}`;
    const observed = f.observed_at ?? instant('2026-11-27', 0, `obs:${key}`, false).replace(/T\d\d/, 'T05');
    const firstDay = intOf(`first:${key}`, 45);
    const first = f.first_observed_at ?? instant('2026-10-01', firstDay, `first:${key}`, false);
    const { team, ...rest } = f;
    out.push({
      id: `acc-${hexOf(`native:${key}`, 16)}`,
      ...rest,
      tool: f.tool ?? COLLECTOR,
      resource: { ...f.resource, tags: { ...(f.resource.tags ?? {}), team, owner: TEAM[team] } },
      owner: TEAM[team],
      observed_at: observed,
      first_observed_at: first,
    });
  };
  const sev = (value, scale = 'acme-collector') => ({ value, scale });

  // Okta (identity provider for every workforce login).
  const okta = (kind, id, name) => ({ id: `okta:${OKTA}:${kind}/${id}`, type: `Okta${kind[0].toUpperCase()}${kind.slice(1)}`, name, account: OKTA });
  add({
    title: 'Admin Console sign-on policy requires phishing-resistant MFA',
    description: 'The Okta Admin Console authentication policy requires Okta FastPass or a FIDO2 authenticator for every rule.',
    result: 'PASS',
    severity: 'HIGH',
    severity_source: sev('high'),
    rule_id: 'okta.policy.admin-mfa',
    resource: okta('policy', '00p9x2adm1nc0ns0le7', 'Okta Admin Console'),
    controls: { 'nist-800-53': ['IA-2(1)', 'IA-2(2)', 'IA-2(8)'], 'nist-800-171': ['3.5.3'] },
    remediation: 'Keep FastPass/FIDO2 as the only allowed authenticators for the Admin Console.',
    team: 'identity',
  });
  add({
    title: 'AWS IAM Identity Center app requires MFA for privileged permission sets',
    description: 'The authentication policy of the AWS IAM Identity Center app requires two factors for the AdministratorAccess and PowerUser permission sets.',
    result: 'PASS',
    severity: 'HIGH',
    severity_source: sev('high'),
    rule_id: 'okta.policy.privileged-app-mfa',
    resource: okta('app', '0oa5aws1dc3nter8q2', 'AWS IAM Identity Center'),
    controls: { 'nist-800-53': ['IA-2(1)', 'IA-2(8)'] },
    remediation: 'Keep the two-factor rule first in the app authentication policy.',
    team: 'identity',
  });
  add({
    title: 'Global session policy ends idle sessions after 15 minutes',
    description: 'Okta global session policy: idle timeout 15 minutes, maximum session lifetime 12 hours, persistent cookies disabled.',
    result: 'PASS',
    severity: 'MEDIUM',
    severity_source: sev('medium'),
    rule_id: 'acme.okta.session-timeout',
    resource: okta('policy', '00p1gl0bals3ss10n4', 'Default Global Session Policy'),
    controls: { 'nist-800-53': ['AC-12'], 'nist-800-171': ['3.1.11'] },
    remediation: 'Keep idle timeout at 15 minutes or less.',
    team: 'identity',
  });
  add({
    title: 'Password policy meets Acme standard',
    description: 'Okta password policy: minimum length 15, history 24, lockout after 5 attempts, common-password check on.',
    result: 'PASS',
    severity: 'MEDIUM',
    severity_source: sev('medium'),
    rule_id: 'okta.password-policy.strength',
    resource: okta('policy', '00p2passw0rdpol1c6', 'Workforce Password Policy'),
    controls: { 'nist-800-53': ['IA-5(1)'], 'nist-800-171': ['3.5.7', '3.5.8'] },
    remediation: 'No action.',
    team: 'identity',
  });
  for (const [uid, login, days] of [
    ['00u4k2jalvarez7q1', 'j.alvarez@acme.com', 118],
    ['00u8m1rkowalski3x', 'r.kowalski@acme.com', 104],
    ['00u2c9contractor5', 'ext.dfinch@acme.com', 131],
  ]) {
    add({
      title: `Inactive user not deactivated after 90 days: ${login}`,
      description: `Okta user ${login} has not signed in for ${days} days and is still ACTIVE. Acme policy deactivates accounts after 90 days of inactivity.`,
      result: 'FAIL',
      severity: 'MEDIUM',
      severity_source: sev('medium'),
      rule_id: 'okta.users.inactive-90d',
      resource: okta('user', uid, login),
      controls: { 'nist-800-53': ['AC-2(3)'], 'nist-800-171': ['3.5.6'] },
      remediation: 'Deactivate the user, or record the leave of absence in the account review ticket.',
      team: 'identity',
    });
  }
  add({
    title: 'API token without expiry',
    description: 'The Okta API token "scim-provisioning" was created without an expiry and is used from one IP range only.',
    result: 'FAIL',
    severity: 'LOW',
    severity_source: sev('low'),
    rule_id: 'okta.api-tokens.expiry',
    resource: okta('token', '00T7sc1mpr0v1s10n', 'scim-provisioning'),
    controls: { 'nist-800-53': ['IA-5'] },
    remediation: 'Replace the token with an OAuth service app using private_key_jwt, or set a 90-day expiry.',
    team: 'identity',
  });

  // GitHub organisation acme-corp.
  const repo = (name) => ({ id: `github:acme-corp/${name}`, type: 'GitHubRepository', name: `acme-corp/${name}`, account: 'acme-corp' });
  const repoTeam = { 'agc-api': 'platform', 'agc-web': 'web', 'agc-worker': 'data', 'agc-infra': 'platform' };
  for (const name of ['agc-api', 'agc-web', 'agc-worker', 'agc-infra']) {
    add({
      title: 'Default branch requires reviewed pull requests and passing checks',
      description: `Branch protection on main of acme-corp/${name}: one approving review from CODEOWNERS, status checks required, force pushes blocked.`,
      result: 'PASS',
      severity: 'MEDIUM',
      severity_source: sev('medium'),
      rule_id: 'github.branch-protection.default-branch',
      resource: repo(name),
      controls: { 'nist-800-53': ['CM-3', 'CM-5'], 'nist-800-171': ['3.4.3', '3.4.5'] },
      remediation: 'No action.',
      team: 'appsec',
    });
    add({
      title: 'Secret scanning push protection enabled',
      description: `Secret scanning and push protection are enabled on acme-corp/${name}.`,
      result: 'PASS',
      severity: 'HIGH',
      severity_source: sev('high'),
      rule_id: 'github.secret-scanning.push-protection',
      resource: repo(name),
      controls: { 'nist-800-53': ['IA-5', 'SA-11'] },
      remediation: 'No action.',
      team: 'appsec',
    });
    const pinned = name === 'agc-api' || name === 'agc-worker';
    add({
      title: pinned ? 'Third-party actions are pinned to commit SHAs' : 'Workflows use third-party actions pinned to a tag, not a commit SHA',
      description: pinned
        ? `Every third-party action in acme-corp/${name} is pinned to a full commit SHA.`
        : `acme-corp/${name} uses ${name === 'agc-web' ? 3 : 5} third-party actions referenced by a mutable tag (for example actions/setup-node@v4 is fine; hashicorp/setup-terraform@v3 is third-party).`,
      result: pinned ? 'PASS' : 'FAIL',
      severity: 'MEDIUM',
      severity_source: sev('medium'),
      rule_id: 'github.actions.pinned-third-party-actions',
      resource: repo(name),
      controls: { 'nist-800-53': ['SA-10', 'SR-3'] },
      remediation: 'Pin third-party actions to a full-length commit SHA and let Dependabot update them.',
      team: repoTeam[name],
    });
  }
  add({
    title: 'Organization requires SAML single sign-on',
    description: 'SAML SSO through Okta is enforced for the acme-corp organization; 0 members without a linked identity.',
    result: 'PASS',
    severity: 'HIGH',
    severity_source: sev('high'),
    rule_id: 'github.org.saml-sso-enforced',
    resource: { id: 'github:acme-corp', type: 'GitHubOrganization', name: 'acme-corp', account: 'acme-corp' },
    controls: { 'nist-800-53': ['IA-2', 'AC-2'] },
    remediation: 'No action.',
    team: 'appsec',
  });
  add({
    title: 'Could not read branch protection',
    description:
      'GET /repos/acme-corp/agc-docs-legacy/branches/main/protection returned 403: the collector token is not authorised for SAML SSO on this repository. The check did not run.',
    result: 'ERROR',
    severity: 'MEDIUM',
    severity_source: sev('medium'),
    rule_id: 'github.branch-protection.default-branch',
    resource: repo('agc-docs-legacy'),
    controls: { 'nist-800-53': ['CM-3'], 'nist-800-171': ['3.4.3'] },
    remediation: 'Authorise the collector token for SSO on the repository, or archive the repository.',
    team: 'appsec',
  });

  // EKS workload posture (agc-prod-eks).
  const ns = (name) => ({
    id: `k8s:arn:aws:eks:${USE1}:${PROD.id}:cluster/agc-prod-eks/namespace/${name}`,
    type: 'KubernetesNamespace',
    name,
    account: PROD.id,
    region: USE1,
  });
  for (const name of ['agc-api', 'agc-web', 'agc-worker', 'agc-legacy-jobs']) {
    const legacy = name === 'agc-legacy-jobs';
    add({
      title: legacy ? 'Namespace does not enforce the restricted Pod Security Standard' : 'Namespace enforces the restricted Pod Security Standard',
      description: legacy
        ? 'Namespace agc-legacy-jobs is labelled pod-security.kubernetes.io/enforce=baseline; two CronJobs run as root with a writable root filesystem.'
        : `Namespace ${name} is labelled pod-security.kubernetes.io/enforce=restricted.`,
      result: legacy ? 'FAIL' : 'PASS',
      severity: 'HIGH',
      severity_source: sev('high'),
      rule_id: 'k8s.pod-security.restricted',
      resource: ns(name),
      controls: { 'nist-800-53': ['CM-6', 'CM-7'] },
      remediation: 'Rebuild the CronJob images to run as a non-root user, then set the namespace label to restricted.',
      team: 'platform',
    });
    add({
      title: 'Default-deny network policy present',
      description: `Namespace ${name} has a default-deny ingress and egress NetworkPolicy; allowed flows are declared per workload.`,
      result: 'PASS',
      severity: 'MEDIUM',
      severity_source: sev('medium'),
      rule_id: 'k8s.network-policy.default-deny',
      resource: ns(name),
      controls: { 'nist-800-53': ['SC-7', 'AC-4'] },
      remediation: 'No action.',
      team: 'platform',
    });
  }
  add({
    title: 'Control plane audit logging enabled',
    description: 'EKS control plane logging (api, audit, authenticator) is delivered to CloudWatch Logs with 400-day retention.',
    result: 'PASS',
    severity: 'MEDIUM',
    severity_source: sev('medium'),
    rule_id: 'k8s.audit-logging',
    resource: { id: arn('eks', USE1, PROD.id, 'cluster/agc-prod-eks'), type: 'AwsEksCluster', name: 'agc-prod-eks', account: PROD.id, region: USE1 },
    controls: { 'nist-800-53': ['AU-2', 'AU-12'] },
    remediation: 'No action.',
    team: 'platform',
  });

  // Endpoint fleet (MDM).
  const fleet = { id: 'mdm:fleet/acme-managed-laptops', type: 'EndpointFleet', name: 'Acme managed laptops (212 devices)', account: 'acme-mdm' };
  add({
    title: 'Full-disk encryption enforced on all managed laptops',
    description: 'FileVault/BitLocker enabled and escrowed on 212 of 212 managed laptops.',
    result: 'PASS',
    severity: 'HIGH',
    severity_source: sev('high'),
    rule_id: 'mdm.disk-encryption',
    resource: fleet,
    controls: { 'nist-800-53': ['SC-28(1)'], 'nist-800-171': ['3.13.16'] },
    remediation: 'No action.',
    team: 'it',
  });
  add({
    title: 'Screen lock after 10 minutes enforced',
    description: 'Configuration profile enforces a pattern-hiding screen saver and lock after 10 minutes of inactivity on all managed laptops.',
    result: 'PASS',
    severity: 'MEDIUM',
    severity_source: sev('medium'),
    rule_id: 'mdm.screen-lock',
    resource: fleet,
    controls: { 'nist-800-53': ['AC-11', 'AC-11(1)'], 'nist-800-171': ['3.1.10'] },
    remediation: 'No action.',
    team: 'it',
  });
  for (const [device, os, days] of [
    ['ACME-MBP-0412', 'macOS 15.6.1', 41],
    ['ACME-MBP-0587', 'macOS 15.5', 63],
    ['ACME-LT-1133', 'Windows 11 23H2 (2026-08 cumulative update)', 48],
    ['ACME-LT-1190', 'Windows 11 23H2 (2026-07 cumulative update)', 77],
  ]) {
    add({
      title: `Security updates overdue on ${device}`,
      description: `${device} runs ${os}; security updates released ${days} days ago are not installed (Acme SLA: 30 days).`,
      result: 'FAIL',
      severity: 'MEDIUM',
      severity_source: sev('medium'),
      rule_id: 'mdm.os-patch-sla',
      resource: { id: `mdm:device/${device}`, type: 'Laptop', name: device, account: 'acme-mdm' },
      controls: { 'nist-800-53': ['SI-2'], 'nist-800-171': ['3.14.1'] },
      remediation: 'Force the update through the MDM deadline policy; quarantine the device after 7 more days.',
      team: 'it',
    });
  }

  // Internal checks.
  for (const account of [PROD, SHARED]) {
    add({
      title: 'Every running workload was vulnerability-scanned in the last 72 hours',
      description: `Amazon Inspector and Trivy coverage for account ${account.id} (${account.name}): 100% of running EC2 instances, ECR images and Lambda functions scanned within 72 hours; scan-on-push enabled for all repositories.`,
      result: 'PASS',
      severity: 'HIGH',
      severity_source: sev('high'),
      rule_id: 'acme.vuln-scan.coverage',
      resource: { id: `aws:account/${account.id}`, type: 'AwsAccount', name: account.name, account: account.id },
      controls: { 'nist-800-53': ['RA-5', 'RA-5(2)'], 'nist-800-171': ['3.11.2'] },
      remediation: 'No action.',
      team: 'secops',
    });
  }
  add({
    title: 'Quarterly database restore test passed',
    description:
      'agc-core restored from the 2026-11-02 snapshot into an isolated account; row counts and checksums matched; restore took 47 minutes (RTO 4 hours).',
    result: 'PASS',
    severity: 'MEDIUM',
    severity_source: sev('medium'),
    rule_id: 'acme.backup.restore-test',
    resource: { id: arn('rds', USE1, PROD.id, 'cluster:agc-core'), type: 'AwsRdsDbCluster', name: 'agc-core', account: PROD.id, region: USE1 },
    controls: { 'nist-800-53': ['CP-9', 'CP-4'], 'nist-800-171': ['3.8.9'] },
    remediation: 'No action.',
    team: 'data',
  });
  add({
    title: 'Database security group allowed PostgreSQL from 0.0.0.0/0',
    description: `Security group agc-rds-core (${sgId('agc-rds-core')}) had an inbound rule for TCP 5432 from 0.0.0.0/0, added during a migration test. The rule was removed on 2026-11-12 and the change reviewed.`,
    result: 'FAIL',
    state: 'resolved',
    severity: 'HIGH',
    severity_source: sev('high'),
    rule_id: 'acme.network.db-ingress-restricted',
    resource: {
      id: arn('ec2', USE1, PROD.id, `security-group/${sgId('agc-rds-core')}`),
      type: 'AwsEc2SecurityGroup',
      name: 'agc-rds-core',
      account: PROD.id,
      region: USE1,
    },
    controls: { 'nist-800-53': ['SC-7', 'AC-4'], 'nist-800-171': ['3.13.1'] },
    remediation: 'Resolved: rule removed; an SCP now denies 0.0.0.0/0 ingress on database ports.',
    team: 'data',
    first_observed_at: '2026-11-10T14:02:11Z',
    observed_at: '2026-11-12T09:30:00Z',
  });
  add({
    title: 'TLS certificate expires in 9 days',
    description:
      'legacy-status.acme.com presents a certificate that expires on 2026-12-06. The host is being decommissioned; the finding is suppressed until shutdown on 2026-12-01.',
    result: 'FAIL',
    state: 'suppressed',
    severity: 'LOW',
    severity_source: sev('low'),
    rule_id: 'acme.tls.certificate-expiry',
    resource: { id: 'host:legacy-status.acme.com', type: 'Host', name: 'legacy-status.acme.com', account: SHARED.id, region: USE1 },
    controls: { 'nist-800-53': ['SC-17'] },
    remediation: 'Decommission the host as planned.',
    team: 'sre',
  });
  add({
    title: 'Visitor log review due',
    description: 'The monthly review of the Arlington office visitor log for November 2026 has not been recorded yet; a person must confirm it.',
    result: 'MANUAL',
    severity: 'MEDIUM',
    severity_source: sev('medium'),
    rule_id: 'acme.physical.visitor-log-review',
    resource: { id: 'site:acme-arlington-hq', type: 'Facility', name: 'Acme Arlington HQ', account: 'acme-facilities' },
    controls: { 'nist-800-53': ['PE-8'], 'nist-800-171': ['3.10.4'] },
    remediation: 'Facilities manager reviews the log and records the review in the PE ticket.',
    team: 'secops',
  });
  add({
    title: 'Rogue wireless access point scan',
    description:
      'No wireless networks exist inside the authorization boundary (AWS only); office Wi-Fi is outside the boundary and carries no CUI. Not applicable.',
    result: 'NOT_APPLICABLE',
    severity: 'INFORMATIONAL',
    severity_source: sev('informational'),
    rule_id: 'acme.wireless.rogue-ap-scan',
    resource: { id: 'boundary:agc', type: 'AuthorizationBoundary', name: 'AGC authorization boundary', account: 'acme' },
    controls: { 'nist-800-53': ['AC-18'], 'nist-800-171': ['3.1.16'] },
    remediation: 'None.',
    team: 'secops',
  });
  add({
    title: 'New component registered in inventory',
    description: 'EKS managed node group ng-general-2026-11 (3 instances) was added to the AGC inventory on 2026-11-24.',
    result: 'INFO',
    severity: 'INFORMATIONAL',
    severity_source: sev('informational'),
    rule_id: 'acme.inventory.new-asset',
    resource: {
      id: arn('eks', USE1, PROD.id, 'nodegroup/agc-prod-eks/ng-general-2026-11'),
      type: 'AwsEksNodegroup',
      name: 'ng-general-2026-11',
      account: PROD.id,
      region: USE1,
    },
    controls: { 'nist-800-53': ['CM-8'] },
    remediation: 'None.',
    team: 'platform',
  });

  // Imported application-security findings.
  add({
    title: 'Stored XSS in project name: [click](http://evil.example) <script>alert(document.cookie)</script> | ![img](http://x)',
    description:
      'OWASP ZAP stored a project named `[click](http://evil.example)` and the payload <script>alert(document.cookie)</script> through POST /api/projects; both are rendered unescaped on /projects/{id}. A name containing a pipe (a | b) broke the CSV export, and ![img](http://x) loaded an image from an external host. <img src=x onerror=alert(1)> also executed.',
    result: 'FAIL',
    severity: 'HIGH',
    severity_source: sev('High', 'zap-risk'),
    rule_id: 'zap.40014',
    tool: { name: 'OWASP ZAP', version: '2.16.1' },
    resource: { id: 'https://app.agc.acme.com/projects/new', type: 'WebApplication', name: 'AGC web application', account: PROD.id, region: USE1 },
    location: { uri: 'https://app.agc.acme.com/api/projects' },
    controls: { 'nist-800-53': ['SI-10', 'SA-11'] },
    remediation: 'Encode project names on output (React text nodes, not dangerouslySetInnerHTML) and validate them on input.',
    team: 'web',
    first_observed_at: '2026-11-18T16:20:00Z',
    observed_at: '2026-11-26T16:20:00Z',
  });
  add({
    title: 'AWS access key exposed in CI build log',
    description:
      'GitHub Actions run 8812 of acme-corp/agc-infra printed the access key id AKIAIOSFODNN7EXAMPLE (IAM user svc-ci-artifacts, shared-services account) in the log of the "terraform plan" step. Reported by secops@acme.com. The user was deleted on 2026-11-21; the finding stays open until the log purge and the CloudTrail review of the key are complete.',
    result: 'FAIL',
    severity: 'HIGH',
    severity_source: sev('high', 'github-secret-scanning'),
    rule_id: 'github.secret-scanning.aws-access-key',
    tool: { name: 'GitHub secret scanning', version: 'ghec-2026.11' },
    resource: { id: 'github:acme-corp/agc-infra', type: 'GitHubRepository', name: 'acme-corp/agc-infra', account: 'acme-corp' },
    location: { uri: '.github/workflows/terraform-plan.yml', start_line: 42 },
    controls: { 'nist-800-53': ['IA-5', 'AU-9'] },
    remediation: 'Purge the run logs, confirm in CloudTrail that the key was not used from outside Acme, and mask credentials in workflow output.',
    team: 'secops',
    first_observed_at: '2026-11-21T08:12:40Z',
    observed_at: '2026-11-27T05:30:00Z',
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

function build() {
  const prod = prowlerScan(PROD);
  const shared = prowlerScan(SHARED);
  const securityHub = securityHubFindings();
  const native = nativeFindings();
  const sarif = trivySarif();
  const files = [
    {
      path: 'securityhub/acme-securityhub-2026-11-26.asff.json',
      format: 'ASFF (AWS Security Hub)',
      text: json({ Findings: securityHub.map(toAsff) }),
      results: securityHub.map((f) => (f.passed ? 'PASS' : 'FAIL')),
    },
    {
      path: 'prowler/acme-agc-prod-2026-11-26.ocsf.json',
      format: 'OCSF 1.4.0 Detection Finding (Prowler)',
      text: json(prod.map(toOcsf)),
      results: prod.map((r) => r.status),
    },
    {
      path: 'prowler/acme-shared-services-2026-11-25.csv',
      format: 'Prowler CSV (semicolon-delimited)',
      text: `${[CSV_COLUMNS.join(';'), ...shared.map(toCsvRow)].join('\n')}\n`,
      results: shared.map((r) => r.status),
    },
    {
      path: 'trivy/acme-agc-images-2026-11-26.sarif',
      format: 'SARIF 2.1.0 (Trivy, 3 runs)',
      text: json(sarif),
      results: sarif.runs.flatMap((run) => run.results.map(() => 'FAIL')),
    },
    {
      path: 'native/acme-collector-2026-11-27.json',
      format: 'Infracast native',
      text: json({ generated_at: NATIVE_GENERATED_AT, tool: { ...COLLECTOR, vendor: 'Acme Corp Security Engineering' }, findings: native }),
      results: native.map((f) => f.result),
    },
  ];
  return files;
}

function main(argv) {
  const check = argv.includes('--check');
  const outIndex = argv.indexOf('--out');
  const outDir = outIndex >= 0 ? resolve(argv[outIndex + 1]) : join(repoRoot, 'examples', 'acme', 'findings');
  const files = build();
  let stale = 0;
  for (const file of files) {
    const target = join(outDir, file.path);
    if (check) {
      let current = null;
      try {
        current = readFileSync(target, 'utf8');
      } catch {
        // missing counts as stale
      }
      if (current !== file.text) {
        stale++;
        console.error(`stale: ${target}`);
      }
    } else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.text);
    }
  }
  const count = (list, value) => list.filter((r) => r === value).length;
  let total = 0;
  for (const file of files) {
    total += file.results.length;
    const tally = ['PASS', 'FAIL', 'MANUAL', 'ERROR', 'NOT_APPLICABLE', 'INFO'].map((r) => [r, count(file.results, r)]).filter(([, n]) => n > 0);
    console.log(`${file.path}: ${file.results.length} findings (${tally.map(([r, n]) => `${r} ${n}`).join(', ')}) sha256 ${sha256(file.text)}`);
  }
  console.log(`total: ${total} findings in ${files.length} files${check ? (stale ? `; ${stale} stale` : '; up to date') : ''}`);
  if (check && stale) process.exitCode = 1;
}

main(process.argv.slice(2));
