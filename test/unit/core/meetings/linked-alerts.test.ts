/**
 * Alerts linked to a meeting: a link shares nothing, and tells no area who else holds an alert.
 */
import { describe, expect, it } from 'vitest';
import { getMeeting } from '../../../../functions/core/meetings/get-meeting.js';
import { requestMeeting } from '../../../../functions/core/meetings/request-meeting.js';
import { contextFor, createRequest, issuesOf, seedAlert } from '../../../support/fakes.js';
import { makeMeetingFakes, meetingRequest, newcastle, northTyneside } from '../../../support/meeting-fakes.js';

const toBoth = createRequest({
  recipients: [
    { area: 'northumberland', scopes: ['RISK'] },
    { area: 'north-tyneside', scopes: ['RISK'] },
  ],
});

describe('alerts linked to a meeting', () => {
  it("does not show a recipient that the requester also holds a third area's alert", async () => {
    // Prepare: gateshead alerts northumberland and north-tyneside; northumberland links it to its meeting
    const fakes = makeMeetingFakes();
    const { alertId } = await seedAlert(fakes, toBoth, 'gateshead');
    const { meetingId } = await requestMeeting(
      fakes.meetingDeps,
      contextFor('northumberland', 'chair'),
      meetingRequest({ alertIds: [alertId] }),
    );

    // Act
    const forNorthTyneside = await getMeeting(fakes.meetingDeps, northTyneside(), meetingId);
    const forRequester = await getMeeting(fakes.meetingDeps, contextFor('northumberland', 'chair'), meetingId);

    // Assess
    expect(forNorthTyneside.alertIds).toEqual([]);
    expect(forRequester.alertIds).toEqual([alertId]);
  });

  it("shows the requester's own alert to an invited area that received it, and to no other", async () => {
    // Prepare: northumberland alerts north-tyneside only, then links it
    const fakes = makeMeetingFakes();
    const { alertId } = await seedAlert(fakes, createRequest({ recipients: [{ area: 'north-tyneside', scopes: ['RISK'] }] }));
    const { meetingId } = await requestMeeting(
      fakes.meetingDeps,
      contextFor('northumberland', 'chair'),
      meetingRequest({ alertIds: [alertId] }),
    );

    // Act
    const forNorthTyneside = await getMeeting(fakes.meetingDeps, northTyneside(), meetingId);
    const forNewcastle = await getMeeting(fakes.meetingDeps, newcastle(), meetingId);

    // Assess
    expect(forNorthTyneside.alertIds).toEqual([alertId]);
    expect(forNewcastle.alertIds).toEqual([]);
  });

  it('refuses to link an expired alert, with the same words as for one the area never had', async () => {
    // Prepare
    const fakes = makeMeetingFakes();
    const { alertId } = await seedAlert(fakes, createRequest({ recipients: [{ area: 'north-tyneside', scopes: ['RISK'] }] }));
    fakes.clock.set('2031-01-01T00:00:00.000Z');
    const later = meetingRequest({
      alertIds: [alertId, '00000000-0000-4000-8000-000000000000'],
      proposedSlots: [{ start: '2031-02-01T10:00:00.000Z', durationMinutes: 60 }],
    });

    // Act
    const issues = await issuesOf(requestMeeting(fakes.meetingDeps, contextFor('northumberland', 'chair'), later));

    // Assess
    expect(issues.map((issue) => issue.path)).toEqual(['alertIds.0', 'alertIds.1']);
    expect(issues[0]?.message).toBe(issues[1]?.message);
  });
});
