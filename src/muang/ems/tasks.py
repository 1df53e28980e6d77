from django_tasks import task


@task()
def run_alert_timers() -> dict:
    """Periodic (every few seconds, on any worker): escalate the wristband alerts nobody took in time, then the
    daytime "no movement" rule. Timers are rows claimed with SKIP LOCKED: safe on several workers, and a
    restart loses none."""
    from muang.ems.services.alerts import alert_timers_run, alerts_check_stillness

    return {"escalations": alert_timers_run(), "still": alerts_check_stillness()}
