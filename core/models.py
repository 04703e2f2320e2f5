from django.db import models


class WorkerHeartbeat(models.Model):
    """A Celery worker says it is alive (core.heartbeat): one row per worker process, written every few seconds to the
    database, which stays the truth when the broker is gone. Platform-wide, not a tenant's."""

    hostname = models.CharField(max_length=200)
    queues = models.JSONField(default=list)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        # Per process: two workers started with the same name (no -n) never overwrite each other's row.
        constraints = [models.UniqueConstraint("hostname", "pid", name="workerheartbeat_one_per_process")]

    def __str__(self):
        return f"{self.hostname} ({', '.join(self.queues)})"
