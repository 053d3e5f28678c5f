import { deadlinesFor } from './deadlines';
import type { IsoDate } from './iso-date';
import type { DeadlineAction, LifecycleEventType, Party, ProtocolProfile } from './profile';
import { workingDaysBetween } from './working-days';

/*
 * The open and closed deadlines of one lifecycle (a request, an assignment), as plain JSON a workflow
 * can carry. Every term comes from the protocol profile through deadlinesFor; the book only remembers
 * them, closes them when their event happens and says which have passed. Pure and deterministic: the
 * caller hands in "today". (The assignment workflow still has its own copy, workflows/assignment/deadlines.ts.)
 */

export interface TrackedDeadline {
  id: string;
  action: DeadlineAction;
  owner: Party;
  rule: string;
  /** What it is about when several can be open at once (a message id). */
  subject?: string;
  from: IsoDate;
  due: IsoDate;
  closedBy: LifecycleEventType[];
  status: 'open' | 'met' | 'cancelled';
  /** Set once the deadline passed unmet and was escalated (exactly once). */
  escalated?: boolean;
  /** Working days late when it was finally met. */
  lateWorkingDays?: number;
  closedOn?: IsoDate;
}

export interface OpenOptions {
  subject?: string;
  /** Dagtekening of the 315/317 being answered, for terms counted from it (OP274/OP346). */
  aanvraagDagtekening?: IsoDate;
}

export class DeadlineBook {
  constructor(
    private readonly list: TrackedDeadline[],
    private readonly profile: ProtocolProfile,
    private readonly nextId: () => number,
  ) {}

  /** Opens what `event` opens under the profile (nothing when the profile has no term for it). */
  open(event: LifecycleEventType, date: IsoDate, options: OpenOptions = {}): TrackedDeadline[] {
    const effects = deadlinesFor(
      {
        type: event,
        date,
        ...(options.aanvraagDagtekening ? { aanvraagDagtekening: options.aanvraagDagtekening } : {}),
      },
      this.profile,
    );
    const opened: TrackedDeadline[] = [];
    for (const d of effects.opens) {
      if (this.openFor(d.action, options.subject).length > 0) continue;
      const deadline: TrackedDeadline = {
        id: `${d.action}#${this.nextId()}`,
        action: d.action,
        owner: d.owner,
        rule: d.rule,
        from: d.from,
        due: d.due,
        closedBy: d.closedBy,
        status: 'open',
        ...(options.subject === undefined ? {} : { subject: options.subject }),
      };
      this.list.push(deadline);
      opened.push(deadline);
    }
    return opened;
  }

  /** Open deadlines for an action; with a subject, only those about that subject (or about none). */
  openFor(action: DeadlineAction, subject?: string): TrackedDeadline[] {
    return this.list.filter(
      (d) =>
        d.status === 'open' &&
        d.action === action &&
        (subject === undefined || d.subject === undefined || d.subject === subject),
    );
  }

  /** Closes the open deadlines `event` satisfies (for `subject`, if given), recording how late they were. */
  close(event: LifecycleEventType, today: IsoDate, subject?: string): TrackedDeadline[] {
    const closed = this.list.filter(
      (d) =>
        d.status === 'open' &&
        d.closedBy.includes(event) &&
        (subject === undefined || d.subject === undefined || d.subject === subject),
    );
    for (const d of closed) {
      d.status = 'met';
      d.closedOn = today;
      d.lateWorkingDays = this.lateness(d.due, today);
    }
    return closed;
  }

  /** Nothing is owed any more for these (the message they wait on counts as never sent, …). */
  cancel(predicate: (d: TrackedDeadline) => boolean): void {
    for (const d of this.list) if (d.status === 'open' && predicate(d)) d.status = 'cancelled';
  }

  /** Working days past `due` on `today` (0 when on time). */
  lateness(due: IsoDate, today: IsoDate): number {
    return today > due ? workingDaysBetween(due, today, this.profile.workingDays) : 0;
  }

  /** Open deadlines whose last day has passed and that were not escalated yet. */
  toEscalate(today: IsoDate): TrackedDeadline[] {
    return this.list.filter((d) => d.status === 'open' && !d.escalated && d.due < today);
  }

  /** Any open deadline past its last day (escalated or not). */
  overdue(today: IsoDate): boolean {
    return this.list.some((d) => d.status === 'open' && d.due < today);
  }

  /** Last day of the earliest open deadline that has not passed yet: the next one a timer waits for. */
  nextDue(today: IsoDate): IsoDate | undefined {
    return this.list
      .filter((d) => d.status === 'open' && d.due >= today)
      .map((d) => d.due)
      .sort()[0];
  }

  /** Earliest open deadline overall, passed or not. */
  earliestOpen(): IsoDate | undefined {
    return this.list
      .filter((d) => d.status === 'open')
      .map((d) => d.due)
      .sort()[0];
  }

  hasOpen(): boolean {
    return this.list.some((d) => d.status === 'open');
  }
}
