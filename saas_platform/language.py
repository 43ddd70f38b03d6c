"""Bahasa Indonesia first: the language is Indonesian unless the user chose another.

Django's LocaleMiddleware follows the browser's Accept-Language, and many Indonesian
civil servants use browsers set to English; they should still get the Indonesian UI. Only
an explicit choice (the language menu, which sets the language cookie) changes it.
API clients are programs that say what they want: for them Accept-Language counts.
"""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in self.available:
            language = chosen
        elif request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
