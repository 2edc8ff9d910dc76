/** Who may do what to a sequence. Routes enforce these; views use them to show or hide controls. */
interface Actor {
  id: string;
  isModerator: boolean;
}
interface SequenceFacts {
  authorId: string;
}

export function canEditSequence(user: Actor | null, sequence: SequenceFacts): boolean {
  return !!user && user.id === sequence.authorId;
}

export function canDeleteSequence(user: Actor | null, sequence: SequenceFacts): boolean {
  return !!user && (user.id === sequence.authorId || user.isModerator);
}
