import type { UpcomingConsultation } from './client-area-api.ts';

/** The expert's photo, or their initials when they have none; decorative, their name is beside it. */
export function ExpertAvatar({ expert, size }: { expert: UpcomingConsultation['expert']; size: number }) {
  if (expert.photoUrl) return <img class="avatar" src={expert.photoUrl} alt="" width={size} height={size} loading="lazy" />;
  const initials = `${expert.firstName.charAt(0)}${expert.lastName.charAt(0)}`.toUpperCase();
  return (
    <span class="avatar avatar-initials" aria-hidden="true" style={{ width: `${size}px`, height: `${size}px` }}>
      {initials}
    </span>
  );
}

export const expertName = (expert: UpcomingConsultation['expert']) => `${expert.firstName} ${expert.lastName}`;
