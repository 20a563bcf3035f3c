<!DOCTYPE html>
<html lang="ru">
<head>

<title>В Рудном отремонтируют дворы двадцати домов - Наша газета</title>
<meta name="viewport" content="width=device-width, initial-scale=1">

<meta name="generator" content="XOOPS">
</head>
<body>
<div id="xo-header"><a href="/">Наша газета</a> <a href="/modules/news/">Новости</a></div>
<div class="item">
<h1 class="itemTitle">В Рудном отремонтируют дворы двадцати домов</h1>
<div class="itemInfo"><span class="itemPoster">Игорь Савченко</span> <span class="itemPostDate">Вчера, 09:15</span></div>
<div class="itemText">
<p>В Рудном в следующем году отремонтируют дворы двадцати многоквартирных домов. Жители уже выбрали проекты на общих собраниях.</p>
<p>Во дворах заменят асфальт, установят детские площадки и освещение. Ремонт оплатит городской бюджет.</p>
</div>
<div class="itemKeywords"></div>
<div class="itemFoot"><a href="/modules/news/print.php">Версия для печати</a></div>
</div></body></html>
