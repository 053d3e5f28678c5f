import { deadlinesFor, dueDate } from './deadlines';
import type { IsoDate } from './iso-date';
import type { DeadlineAction, LifecycleEventType, Party, ProtocolProfile } from './profile';
import { workingDaysBetween } from './working-days';

/*
 * The open and closed deadlines of one lifecycle (a request, an assignment), as plain JSON a workflow
 * can carry. Every term comes from the protocol profile through deadlinesFor; the book only remembers
 * them, closes them when their event happens and says which have passed. Pure and deterministic: the
 * caller hands in "today". Both the request and the assignment workflow keep their deadlines in one.
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
  /** Retour codes that reopened it (a rejected 305/307). */
  reopenedBy?: string[];
  /** Met after its escalation, and the recipients were told so ('resolved' webhook). */
  resolved?: boolean;
}

export interface OpenOptions {
  subject?: string;
  /** Dagtekening of the 315/317 being answered, for terms counted from it (OP274/OP346). */
  aanvraagDagtekening?: IsoDate;
  /** Open only the deadlines for which this says yes (e.g. not for a 305 that is no longer owed). */
  keep?: (action: DeadlineAction) => boolean;
  reopenedBy?: string[];
}

export class DeadlineBook {
  constructor(
    readonly list: TrackedDeadline[],
    private readonly profile: ProtocolProfile,
    private readonly nextId: () => number,
  ) {}

  /**
   * Opens what `event` opens under the profile (nothing when the profile has no term for it); an action
   * already open for the same subject is kept once.
   */
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
      if (options.keep && !options.keep(d.action)) continue;
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
        ...(options.reopenedBy === undefined ? {} : { reopenedBy: options.reopenedBy }),
      };
      this.list.push(deadline);
      opened.push(deadline);
    }
    return opened;
  }

  /**
   * Opens a fresh deadline for `action` counted from `from` with the profile's own term for that action,
   * whatever event normally opens it (a rejected 305 reopens the provider's 305 deadline from the retour).
   */
  reopen(action: DeadlineAction, from: IsoDate, reopenedBy: string[]): TrackedDeadline | undefined {
    const rule = this.profile.deadlines.find((r) => r.action === action);
    if (!rule || this.openFor(action).length > 0) return undefined;
    const deadline: TrackedDeadline = {
      id: `${action}#${this.nextId()}`,
      action,
      owner: rule.owner,
      rule: rule.rule,
      from,
      due: dueDate(from, rule, this.profile.workingDays),
      closedBy: [...rule.closedBy],
      status: 'open',
      reopenedBy,
    };
    this.list.push(deadline);
    return deadline;
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

  /** Moves an open, not yet escalated deadline to a new due date (the actual start replaces the expected one). */
  rebase(action: DeadlineAction, event: LifecycleEventType, date: IsoDate): void {
    const fresh = deadlinesFor({ type: event, date }, this.profile).opens.find((d) => d.action === action);
    if (!fresh) return;
    for (const d of this.openFor(action)) {
      if (d.escalated) continue;
      d.from = fresh.from;
      d.due = fresh.due;
    }
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

  /** Nothing is owed any more for these (the toewijzing was deleted, care never started, …). */
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

  /** Deadlines met after their escalation went out, whose recipients have not been told yet. */
  toResolve(): TrackedDeadline[] {
    return this.list.filter((d) => d.status === 'met' && d.escalated && !d.resolved);
  }

  /** Counts the open deadlines about `subject` from a later day (the counterparty downloaded it then). */
  recount(subject: string, from: IsoDate): void {
    for (const d of this.list) {
      if (d.status !== 'open' || d.subject !== subject || d.escalated || from <= d.from) continue;
      const rule = this.profile.deadlines.find((r) => r.action === d.action);
      if (!rule) continue;
      d.from = from;
      d.due = dueDate(from, rule, this.profile.workingDays);
    }
  }

  hasOpen(): boolean {
    return this.list.some((d) => d.status === 'open');
  }
}
