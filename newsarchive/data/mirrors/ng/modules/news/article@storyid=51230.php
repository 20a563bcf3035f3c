<!DOCTYPE html>
<html lang="ru">
<head>

<title>В Костанае пенсионерам помогут оформить жилищные выплаты - Наша газета</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<meta name="generator" content="XOOPS">
</head>
<body>
<div id="xo-header"><a href="/">Наша газета</a> <a href="/modules/news/">Новости</a></div>
<div class="item">
<h1 class="itemTitle">В Костанае пенсионерам помогут оформить жилищные выплаты</h1>
<div class="itemInfo"><span class="itemPoster">Наталья Петренко</span> <span class="itemPostDate">24.11.2026 08:30</span></div>
<div class="itemText">
<p>В Костанае при городском отделе занятости открыли консультационный пункт для пенсионеров, которые хотят оформить жилищные выплаты.</p>
<p>Специалисты помогут собрать документы, проверить стаж и подать заявление через портал.</p>
<p>Пункт работает по будням с 9 до 18 часов.</p>
</div>
<div class="itemKeywords"><a href="/modules/news/tag.php?tag=%D0%9F%D0%B5%D0%BD%D1%81%D0%B8%D1%8F%202026">Пенсия 2026</a> <a href="/modules/news/tag.php?tag=%D0%9A%D0%BE%D1%81%D1%82%D0%B0%D0%BD%D0%B0%D0%B9">Костанай</a></div>
<div class="itemFoot"><a href="/modules/news/print.php">Версия для печати</a></div>
</div></body></html>
