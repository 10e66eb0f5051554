/** The people `npm start` prints ready tokens for: the walkthrough's cast. Synthetic, like all data here. */
import type { PersonaClaims } from './identity-provider.js';

export const PERSONAS: ReadonlyArray<{ readonly label: string; readonly variable: string; readonly claims: PersonaClaims }> = [
  {
    label: 'Police officer, Northumberland',
    variable: 'POLICE_NORTHUMBERLAND',
    claims: {
      sub: 'test-officer-northumberland',
      email: 'test.officer@northumberland.example.gov.uk',
      name: 'Test Officer Northumberland',
      area: 'northumberland',
      agency: 'police',
      roles: ['police'],
    },
  },
  {
    label: 'MSET coordinator, North Tyneside',
    variable: 'COORDINATOR_NORTH_TYNESIDE',
    claims: {
      sub: 'test-coordinator-north-tyneside',
      email: 'test.coordinator@north-tyneside.example.gov.uk',
      name: 'Test Coordinator North Tyneside',
      area: 'north-tyneside',
      agency: 'childrens-services',
      roles: ['coordinator'],
    },
  },
  {
    label: 'MSET coordinator, Newcastle',
    variable: 'COORDINATOR_NEWCASTLE',
    claims: {
      sub: 'test-coordinator-newcastle',
      email: 'test.coordinator@newcastle.example.gov.uk',
      name: 'Test Coordinator Newcastle',
      area: 'newcastle',
      agency: 'childrens-services',
      roles: ['coordinator'],
    },
  },
  {
    label: 'MSET chair, Northumberland',
    variable: 'CHAIR_NORTHUMBERLAND',
    claims: {
      sub: 'test-chair-northumberland',
      email: 'test.chair@northumberland.example.gov.uk',
      name: 'Test Chair Northumberland',
      area: 'northumberland',
      agency: 'childrens-services',
      roles: ['chair'],
    },
  },
];
