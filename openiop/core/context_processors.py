from django.conf import settings


def openiop(request):
    return {
        "session_idle_seconds": int(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
    }
