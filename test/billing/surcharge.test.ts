import { expect } from 'chai';
import {
  EU_COUNTRY_CODES,
  FRANCE_COUNTRY_CODES,
  surchargePerMinuteForCountry,
  surchargeZoneForCountry,
  type SurchargeTable,
} from '../../server/billing/index.ts';
import { expectInvariantViolation, expectRuleError } from './fixtures.ts';

const SPEC_DEFAULTS: SurchargeTable = { franceCents: 0, euCents: 20, worldCents: 50 };

describe('BILL-8 phone surcharge by country', () => {
  it('uses the SPEC defaults: France 0, rest of the EU 20, rest of the world 50', () => {
    expect(surchargePerMinuteForCountry(SPEC_DEFAULTS, 'FR')).to.equal(0);
    expect(surchargePerMinuteForCountry(SPEC_DEFAULTS, 'DE')).to.equal(20);
    expect(surchargePerMinuteForCountry(SPEC_DEFAULTS, 'US')).to.equal(50);
  });

  it('reads the values from the table it is given (admin-configurable)', () => {
    const table = { franceCents: 3, euCents: 7, worldCents: 11 };
    expect(['FR', 'IT', 'JP'].map((code) => surchargePerMinuteForCountry(table, code))).to.deep.equal([3, 7, 11]);
  });

  it('knows the 27 EU member states', () => {
    const members = [
      'AT',
      'BE',
      'BG',
      'HR',
      'CY',
      'CZ',
      'DK',
      'EE',
      'FI',
      'FR',
      'DE',
      'GR',
      'HU',
      'IE',
      'IT',
      'LV',
      'LT',
      'LU',
      'MT',
      'NL',
      'PL',
      'PT',
      'RO',
      'SK',
      'SI',
      'ES',
      'SE',
    ];
    expect(new Set(members).size).to.equal(27);
    for (const code of members) {
      expect(surchargeZoneForCountry(code), code).to.equal(code === 'FR' ? 'france' : 'eu');
    }
    expect([...EU_COUNTRY_CODES].filter((code) => code !== 'AX')).to.have.members(members.filter((code) => code !== 'FR'));
  });

  it('counts the French overseas departments and Saint-Martin (in the EU) as France', () => {
    for (const code of ['GP', 'MQ', 'GF', 'RE', 'YT', 'MF']) expect(surchargeZoneForCountry(code), code).to.equal('france');
    expect([...FRANCE_COUNTRY_CODES]).to.have.members(['FR', 'GP', 'MQ', 'GF', 'RE', 'YT', 'MF']);
  });

  it('counts French collectivities outside the EU, Monaco and other non-members as world', () => {
    for (const code of ['BL', 'PM', 'WF', 'PF', 'NC', 'TF', 'MC', 'AD', 'SM', 'VA', 'CH', 'NO', 'IS', 'LI', 'GB', 'GI', 'TR', 'UA']) {
      expect(surchargeZoneForCountry(code), code).to.equal('world');
    }
  });

  it('counts Åland (part of Finland) as EU, and the EU-only "EL" (not an ISO code) as world', () => {
    expect(surchargeZoneForCountry('AX')).to.equal('eu');
    expect(surchargeZoneForCountry('EL')).to.equal('world');
  });

  it('accepts lower case', () => {
    expect(surchargeZoneForCountry('fr')).to.equal('france');
    expect(surchargeZoneForCountry('Be')).to.equal('eu');
  });

  for (const code of ['', 'F', 'FRA', '33', 'F1', ' FR']) {
    it(`refuses "${code}" as a country`, () => {
      expectRuleError(() => surchargePerMinuteForCountry(SPEC_DEFAULTS, code), 'invalid_country', 'country');
    });
  }

  it('treats a table with negative or fractional cents as a bug', () => {
    expectInvariantViolation(() => surchargePerMinuteForCountry({ ...SPEC_DEFAULTS, euCents: -1 }, 'DE'));
    expectInvariantViolation(() => surchargePerMinuteForCountry({ ...SPEC_DEFAULTS, worldCents: 0.5 }, 'US'));
  });
});
