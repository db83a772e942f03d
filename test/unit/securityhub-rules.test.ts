/**
 * The rule a Security Hub standard finding is named by (src/loaders/asff.ts), which built-in and
 * workspace mappings match: a security control id as it is, a bare CIS number qualified by its
 * benchmark version (CIS 1.2.0 1.1 and CIS 1.4.0 1.1 are different checks).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseAsff } from '../../src/loaders/asff.js';

/** The members the rule id comes from, in the shape of Security Hub's own findings (../shared fixture securityhub-cis-fsbp-findings). */
function record(productFields: Record<string, string>, compliance: Record<string, unknown> = { Status: 'FAILED' }): Record<string, unknown> {
  return {
    SchemaVersion: '2018-10-08',
    Id: 'arn:aws:securityhub:us-east-1:123456789123:subscription/example/finding/1',
    ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
    GeneratorId: 'generator',
    AwsAccountId: '123456789123',
    Title: 'title',
    Severity: { Label: 'LOW' },
    Compliance: compliance,
    ProductFields: { 'aws/securityhub/ProductName': 'Security Hub', ...productFields },
    Resources: [{ Type: 'AwsAccount', Id: 'AWS::::Account:123456789123', Region: 'us-east-1' }],
  };
}
const ruleOf = (value: Record<string, unknown>): string | undefined => normaliseAsff(value, 1, 'f.json').ruleId;

describe('Security Hub rule ids', () => {
  it('CIS 1.2.0 (RuleId, StandardsGuideArn): qualified by the benchmark version', () => {
    assert.equal(
      ruleOf(record({ StandardsGuideArn: 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0', RuleId: '1.1' })),
      'cis-aws-foundations-benchmark/v/1.2.0/1.1',
    );
  });
  it('CIS 1.4.0 (ControlId, StandardsArn): qualified the same way', () => {
    assert.equal(
      ruleOf(record({ StandardsArn: 'arn:aws:securityhub:::standards/cis-aws-foundations-benchmark/v/1.4.0', ControlId: '1.7' })),
      'cis-aws-foundations-benchmark/v/1.4.0/1.7',
    );
  });
  it('FSBP (ControlId) and consolidated findings (Compliance.SecurityControlId): the security control id', () => {
    assert.equal(
      ruleOf(record({ StandardsArn: 'arn:aws:securityhub:::standards/aws-foundational-security-best-practices/v/1.0.0', ControlId: 'Config.1' })),
      'Config.1',
    );
    assert.equal(ruleOf(record({ ControlId: '1.7' }, { Status: 'FAILED', SecurityControlId: 'CloudWatch.1' })), 'CloudWatch.1');
  });
  it('a number without a standard to qualify it stays as it is', () => {
    assert.equal(ruleOf(record({ RuleId: '1.1' })), '1.1');
  });
});
