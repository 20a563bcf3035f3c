<!DOCTYPE html>
<html lang="ru">
<head>

<title>Лисаковск получил новые машины скорой помощи - Наша газета</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<meta name="generator" content="XOOPS">
</head>
<body>
<div id="xo-header"><a href="/">Наша газета</a> <a href="/modules/news/">Новости</a></div>
<div class="item">
<h1 class="itemTitle">Лисаковск получил новые машины скорой помощи</h1>
<div class="itemInfo"><span class="itemPoster">Наталья Петренко</span> <span class="itemPostDate">20.11.2026 15:40</span></div>
<div class="itemText">
<p>Станция скорой помощи Лисаковска получила три новых реанимобиля.</p>
<p>Машины оснащены аппаратами ИВЛ и дефибрилляторами, сообщает Kazinform.</p>
</div>
<div class="itemKeywords"></div>
<div class="itemFoot"><a href="/modules/news/print.php">Версия для печати</a></div>
</div></body></html>
