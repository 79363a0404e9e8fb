"""Russian personal names and appeal texts: made-up combinations of common words, no real people."""

from __future__ import annotations

import numpy as np

SURNAMES = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
            "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Фролов", "Белов", "Комаров")
SURNAMES_LAT = ("ivanov", "smirnov", "kuznetsov", "popov", "vasilev", "petrov", "sokolov", "mikhaylov",
                "novikov", "fedorov", "morozov", "volkov", "alekseev", "lebedev", "semenov", "egorov", "pavlov",
                "kozlov", "stepanov", "nikolaev", "orlov", "andreev", "makarov", "nikitin", "zakharov", "zaytsev",
                "solovev", "borisov", "yakovlev", "grigorev", "romanov", "vorobev", "sergeev", "frolov", "belov",
                "komarov")
MALE = (("Александр", "a"), ("Дмитрий", "d"), ("Максим", "m"), ("Сергей", "s"), ("Андрей", "a"),
        ("Алексей", "a"), ("Иван", "i"), ("Евгений", "e"), ("Павел", "p"), ("Никита", "n"))
FEMALE = (("Анна", "a"), ("Мария", "m"), ("Елена", "e"), ("Ольга", "o"), ("Наталья", "n"), ("Татьяна", "t"),
          ("Екатерина", "e"), ("Юлия", "y"), ("Ирина", "i"), ("Светлана", "s"))
PATRONYMICS_M = (("Александрович", "a"), ("Сергеевич", "s"), ("Викторович", "v"), ("Игоревич", "i"),
                 ("Петрович", "p"), ("Олегович", "o"))
PATRONYMICS_F = (("Александровна", "a"), ("Сергеевна", "s"), ("Викторовна", "v"), ("Игоревна", "i"),
                 ("Петровна", "p"), ("Олеговна", "o"))


def people(rng: np.random.Generator, n: int) -> tuple[list[str], list[str]]:
    """`n` full names and unique logins (`surname.io` plus a number)."""
    female = rng.random(n) < 0.62
    s = rng.integers(0, len(SURNAMES), n)
    f = rng.integers(0, len(MALE), n)
    p = rng.integers(0, len(PATRONYMICS_M), n)
    names, logins = [], []
    for k in range(n):
        if female[k]:
            first, fi = FEMALE[f[k]]
            patr, pi = PATRONYMICS_F[p[k]]
            sur = SURNAMES[s[k]] + "а"
            lat = SURNAMES_LAT[s[k]] + "a"
        else:
            first, fi = MALE[f[k]]
            patr, pi = PATRONYMICS_M[p[k]]
            sur, lat = SURNAMES[s[k]], SURNAMES_LAT[s[k]]
        names.append(f"{sur} {first} {patr}")
        logins.append(f"{lat}.{fi}{pi}{k + 1}")
    return names, logins


CATEGORIES: dict[str, tuple[str, ...]] = {
    "default": ("Консультация", "Начисления и оплата", "Смена тарифа", "Техническая неисправность",
                "Подключение услуги", "Отключение услуги", "Жалоба"),
    "tech": ("Нет доступа в интернет", "Низкая скорость", "Не работает ТВ", "Не работает телефон",
             "Настройка оборудования"),
    "sales": ("Подключение услуги", "Смена тарифа", "Дополнительные услуги"),
    "collections": ("Начисления и оплата", "Задолженность", "Возврат средств"),
    "retention": ("Отключение услуги", "Смена тарифа", "Жалоба"),
}
SUBCATEGORIES = ("первичное", "повторное", "уточнение", "по заявке", "прочее")

COMMENTS = (
    "Клиент просит перезвонить после 18:00; номер для связи указан в карточке.",
    "Проверена линия; ошибок нет.\nРекомендовано перезагрузить роутер.",
    "Абонент недоволен качеством связи, требует перерасчёт; передано во 2ЛТП.",
    "Консультация по тарифу «Домашний»; клиент подумает.",
    "Со слов клиента: \"интернет пропадает вечером\"; создана заявка на выезд.",
    "Оплата не зачислена;\nпроверить платёж через 3 дня.",
    "Клиент уточнил адрес подключения; договор будет подписан в офисе.",
    "Повторное обращение по той же проблеме; эскалация.",
)
